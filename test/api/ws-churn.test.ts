import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { type Api, startApi, until } from './harness.js';

const CYCLES = 10_000;
const CONCURRENCY = 50;

const openDescriptors = (): number => readdirSync('/proc/self/fd').length;

// A full collection before each heap reading, whether or not the runner passed --expose-gc.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Opens a client, waits for the latest-price message the server sends first, and closes it. */
function cycle(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once('message', () => {
      ws.close();
    });
    ws.once('close', () => {
      resolve();
    });
    ws.once('error', reject);
  });
}

describe('WebSocket churn', () => {
  let api: Api;
  let url: string;
  before(async () => {
    // Every cycle is an HTTP upgrade from one address: the rate limit would refuse most of them.
    api = await startApi({
      flags: { 'ws-max-clients-per-address': String(CONCURRENCY * 2), 'rate-limit': '0' },
    });
    await api.app.listen({ host: '127.0.0.1', port: 0 });
    url = `ws://127.0.0.1:${(api.app.server.address() as AddressInfo).port}/ws/prices/BTC`;
    await api.cache.setLatest(
      {
        symbol: 'BTC',
        price: 1,
        ts: Date.now(),
        source: 'test',
        change_24h: null,
        volume_24h: null,
        stale: false,
      },
      600_000,
    );
  });
  after(() => api.close());

  test(`${CYCLES} connect/disconnect cycles leak no descriptors, clients or memory`, async () => {
    for (let i = 0; i < 200; i++) await cycle(url); // warm up: lazy allocations are not leaks
    gc();
    const fds = openDescriptors();
    const heap = process.memoryUsage().heapUsed;
    let done = 0;
    const worker = async (): Promise<void> => {
      while (done < CYCLES) {
        done++;
        await cycle(url);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    assert.ok(await until(() => api.app.wsHub.stats().connections === 0), 'the hub holds no client');
    assert.ok(await until(() => openDescriptors() <= fds + 5), `descriptors: ${openDescriptors()} vs ${fds}`);
    gc();
    const grown = process.memoryUsage().heapUsed - heap;
    assert.ok(grown < 16 * 1024 * 1024, `heap grew by ${Math.round(grown / 1024)} KiB`);
  });
});
