import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { type Api, type ErrorJson, startApi, until } from './harness.js';
import { rawRequest, upgradeRequest } from './raw-http.js';
import { type Client, connect } from './ws-client.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURE = fileURLToPath(new URL('./fixtures/capped-api.ts', import.meta.url));
const DESCRIPTORS = 256;

interface Opened {
  readonly opened: Client[];
  /** Clients answered 503 before their upgrade. */
  readonly refused: number;
  /** Clients that got no answer (a reset or a hang-up), with the first such error. */
  readonly failed: number;
  readonly firstFailure?: string;
}

/** Opens `n` clients one after the other and sorts them by outcome. */
async function openClients(port: number, n: number): Promise<Opened> {
  const opened: Client[] = [];
  let refused = 0;
  let failed = 0;
  let firstFailure: string | undefined;
  for (let i = 0; i < n; i++) {
    try {
      opened.push(await connect(`ws://127.0.0.1:${port}/ws/prices/BTC`));
    } catch (err) {
      if (/Unexpected server response: 503/.test(String(err))) refused++;
      else {
        failed++;
        firstFailure ??= String(err);
      }
    }
  }
  return { opened, refused, failed, ...(firstFailure === undefined ? {} : { firstFailure }) };
}

describe('WebSocket client limit', () => {
  let api: Api;
  let port: number;
  const clients: Client[] = [];
  before(async () => {
    api = await startApi({ options: { connectionLimits: { maxConnections: 20, maxWebSocketClients: 3 } } });
    await api.app.listen({ host: '127.0.0.1', port: 0 });
    port = (api.app.server.address() as AddressInfo).port;
  });
  after(async () => {
    for (const c of clients) c.ws.terminate();
    await api.close();
  });

  test('sets the server connection limit', () => {
    assert.equal(api.app.server.maxConnections, 20);
  });

  test('a client over the limit gets 503 with Retry-After before its upgrade; a leaving one frees a place', async () => {
    const { opened, refused } = await openClients(port, 3);
    clients.push(...opened);
    assert.equal(refused, 0);
    const res = await rawRequest(port, upgradeRequest('GET', '/ws/prices/BTC'), { waitForCloseMs: 1_000 });
    assert.equal(res.status, 503);
    assert.equal(res.headers['retry-after'], '5');
    assert.equal((JSON.parse(res.body) as ErrorJson).error.code, 'TF_TOO_MANY_CLIENTS');
    assert.ok(res.serverClosed, 'the refused connection is closed');
    const rest = await api.app.inject({ url: '/api/v1/symbols' });
    assert.equal(rest.statusCode, 200, 'REST is not counted against the WebSocket limit');

    clients[0]!.ws.close();
    await clients[0]!.closed;
    assert.ok(await until(() => api.app.wsHub.stats().connections === 2));
    clients.push(await connect(`ws://127.0.0.1:${port}/ws/prices/ETH`));
  });
});

describe('WebSocket clients per address', () => {
  let api: Api;
  let port: number;
  const clients: Client[] = [];
  before(async () => {
    api = await startApi({ flags: { 'ws-max-clients-per-address': '2' } });
    await api.app.listen({ host: '127.0.0.1', port: 0 });
    port = (api.app.server.address() as AddressInfo).port;
  });
  after(async () => {
    for (const c of clients) c.ws.terminate();
    await api.close();
  });

  test('an address over its limit gets 429 with Retry-After; closing one of its clients frees a place', async () => {
    clients.push(await connect(`ws://127.0.0.1:${port}/ws/prices/BTC`));
    clients.push(await connect(`ws://127.0.0.1:${port}/ws/prices/ETH`));
    const res = await rawRequest(port, upgradeRequest('GET', '/ws/prices/BTC'), { waitForCloseMs: 1_000 });
    assert.equal(res.status, 429);
    assert.equal(res.headers['retry-after'], '5');
    assert.equal((JSON.parse(res.body) as ErrorJson).error.code, 'TF_TOO_MANY_CLIENTS_FROM_ADDRESS');
    clients[0]!.ws.close();
    await clients[0]!.closed;
    assert.ok(await until(() => api.app.wsHub.stats().connections === 1));
    clients.push(await connect(`ws://127.0.0.1:${port}/ws/prices/BTC`));
    assert.equal(api.app.wsHub.stats().connections >= 1, true);
  });
});

interface CapLine {
  readonly descriptorLimit: number;
  readonly maxConnections: number;
  readonly maxWebSocketClients: number;
}

interface CappedChild {
  readonly child: ChildProcessWithoutNullStreams;
  readonly port: number;
  readonly lines: AsyncIterator<string>;
  /** The start-up log line with the limits the child derived from its descriptor limit, if it logged one. */
  cap(): CapLine | undefined;
}

async function startCapped(dir: string): Promise<CappedChild> {
  const child = spawn(
    'prlimit',
    [`--nofile=${DESCRIPTORS}:${DESCRIPTORS}`, process.execPath, '--import', 'tsx', FIXTURE, dir],
    { cwd: ROOT },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const first = await lines.next();
  assert.ok(!first.done, `the child printed nothing: ${stderr}`);
  const { port } = JSON.parse(first.value) as { port: number };
  const cap = (): CapLine | undefined => {
    const line = stderr.split('\n').find((l) => l.includes('connections capped'));
    return line === undefined ? undefined : (JSON.parse(line) as CapLine);
  };
  return { child, port, lines, cap };
}

describe(`under prlimit --nofile=${DESCRIPTORS}`, () => {
  let dir: string;
  let capped: CappedChild;
  const clients: Client[] = [];
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tickflow-capped-'));
    capped = await startCapped(dir);
  });
  after(async () => {
    for (const c of clients) c.ws.terminate();
    const exited = once(capped.child, 'exit');
    capped.child.stdin.end();
    await exited;
    await rm(dir, { recursive: true, force: true });
  });

  const probe = async (): Promise<string> => {
    capped.child.stdin.write('probe\n');
    const line = await capped.lines.next();
    return line.done ? 'the child exited' : line.value;
  };

  test('the cap is read from the limit and logged once at start', () => {
    const cap = capped.cap();
    assert.ok(cap !== undefined, 'a start-up line gives the cap');
    assert.equal(cap.descriptorLimit, DESCRIPTORS);
    assert.ok(cap.maxConnections < DESCRIPTORS / 2, `${cap.maxConnections} connections`);
    assert.ok(cap.maxWebSocketClients < cap.maxConnections);
  });

  test('more clients than descriptors: the extras get 503, and the store and /health keep working', async () => {
    const CLIENTS = DESCRIPTORS + 44;
    const { opened, refused, failed, firstFailure } = await openClients(capped.port, CLIENTS);
    clients.push(...opened);
    assert.match(await probe(), /^probe ok \d+$/, 'it can still open files and commit to the store');
    const health = await fetch(`http://127.0.0.1:${capped.port}/health`);
    assert.equal(health.status, 200);
    assert.equal(failed, 0, `every refused client gets an answer; first failure: ${firstFailure}`);
    assert.equal(opened.length, capped.cap()?.maxWebSocketClients);
    assert.equal(refused, CLIENTS - opened.length);

    const burst = await Promise.allSettled(
      Array.from({ length: 100 }, () => rawRequest(capped.port, upgradeRequest('GET', '/ws/prices/ETH'))),
    );
    for (const r of burst) if (r.status === 'fulfilled') assert.equal(r.value.status, 503);
    assert.match(await probe(), /^probe ok \d+$/, 'a burst of upgrades takes no descriptor it needs');
  });

  test('once clients leave, new ones are served again', async () => {
    for (const c of clients.splice(0, 10)) {
      c.ws.close();
      await c.closed;
    }
    const { opened } = await openClients(capped.port, 1);
    clients.push(...opened);
    assert.equal(opened.length, 1);
  });
});
