import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { type FakeCoinGecko, type Outcome, startFakeCoinGecko } from '../fixtures/fake-coingecko.js';
import { startTickflow, type TickflowProcess } from '../support/tickflow-process.js';
import { waitFor } from '../support/wait.js';
import { e2eStreamEnv, assertHistoryIsReplay, getJson } from './support.js';

/** 40 answers with repeats, 429s and 500s mixed in, then the source is down for good. */
const SCRIPT: Outcome[] = [
  ...['ok', 'ok', 'repeat', 'ok', '429', 'ok', 'ok', 'repeat', 'repeat', 'ok', '500', 'ok', 'ok', 'ok'],
  ...['ok', 'repeat', 'ok', '500', '500', 'ok', 'ok', 'ok', 'ok', '429', 'ok', 'ok', 'repeat', 'ok', 'ok'],
  ...['ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok'],
  ...Array<Outcome>(10_000).fill('500'),
] as Outcome[];
const FRESH = SCRIPT.slice(0, 43).filter((o) => o === 'ok').length;

describe('tickflow start, end to end against a fake CoinGecko', () => {
  let dir: string;
  let fake: FakeCoinGecko;
  let app: TickflowProcess;
  const wsMessages: Record<string, unknown>[] = [];
  let ws: WebSocket;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tickflow-e2e-'));
    fake = await startFakeCoinGecko({
      script: SCRIPT,
      stepSeconds: 10,
      retryAfter: '1',
      prices: { bitcoin: 43_000, ethereum: 2_300 },
    });
    app = await startTickflow(['start'], {
      TICKFLOW_DATA_DIR: join(dir, 'data'),
      ...e2eStreamEnv(fake.url),
      TICKFLOW_SOURCE_RETRIES: '3',
    });
    ws = new WebSocket(`${app.url.replace('http', 'ws')}/ws/prices/BTC`);
    ws.on('message', (data: Buffer) =>
      wsMessages.push(JSON.parse(data.toString()) as Record<string, unknown>),
    );
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  });

  after(async () => {
    ws.close();
    if (app.child.exitCode === null) await app.stop('SIGKILL');
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('serves the latest price, health and live WebSocket updates while the stream runs', async () => {
    const latest = await waitFor('a latest BTC price', async () => {
      const r = await getJson(`${app.url}/api/v1/latest/BTC`);
      return r.status === 200 ? (r.body as Record<string, unknown>) : undefined;
    });
    assert.deepEqual(Object.keys(latest).sort(), [
      'change_24h',
      'price',
      'source',
      'stale',
      'symbol',
      'ts',
      'volume_24h',
    ]);
    assert.equal(latest['source'], 'coingecko');
    const health = await getJson(`${app.url}/health`);
    assert.equal(health.status, 200);
    assert.ok(health.headers.get('x-request-id'));
    const components = (
      health.body as { components: Record<string, { status: string; lastSuccessAt?: number }> }
    ).components;
    assert.equal(components['store']?.status, 'up');
    assert.ok(typeof components['source:coingecko']?.lastSuccessAt === 'number');
    await waitFor(
      'a tick and a candle on the WebSocket',
      () => wsMessages.some((m) => m['type'] === 'tick') && wsMessages.some((m) => m['type'] === 'candle'),
    );
    assert.ok(wsMessages.every((m) => m['symbol'] === 'BTC'));
  });

  test(
    'history equals what the replay engine computes from exactly the snapshots served',
    { timeout: 90_000 },
    async () => {
      await waitFor(
        'every scripted snapshot to be served',
        () => fake.served.filter((s) => !s.repeated).length >= FRESH,
        60_000,
      );
      await assertHistoryIsReplay(dir, fake.served, [app.url]);
      assert.ok(
        fake.served.some((s) => s.repeated),
        'the fake did repeat snapshots',
      );
    },
  );

  test('shuts down gracefully on SIGTERM with exit status 0', async () => {
    assert.equal(await app.stop('SIGTERM'), 0, app.output.stderr);
  });
});
