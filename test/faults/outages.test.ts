import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { type FakeCoinGecko, type Outcome, startFakeCoinGecko } from '../fixtures/fake-coingecko.js';
import { type FreezableProxy, startFreezableProxy } from '../support/freezable-proxy.js';
import {
  cannotStart,
  type PrivateServer,
  startKafka,
  startPostgres,
  startRedis,
} from '../support/services.js';
import { startTickflow, type TickflowProcess } from '../support/tickflow-process.js';
import { waitFor } from '../support/wait.js';
import { e2eStreamEnv, assertHistoryIsReplay, getJson, watch } from '../e2e/support.js';

/** 240 answers (about 70 s at one poll per 300 ms) with repeats mixed in, then the source is down for good. */
const SCRIPT: Outcome[] = [
  ...Array.from({ length: 240 }, (_, i): Outcome => (i % 9 === 4 ? 'repeat' : 'ok')),
  ...Array<Outcome>(10_000).fill('500'),
];
const FRESH = SCRIPT.slice(0, 240).filter((o) => o === 'ok').length;
const OUTAGE_MS = 30_000;

/** Resident memory of a process, in MB. */
function rssMb(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) / 1024;
}

/** A `tickflow start` on a broker, a PostgreSQL (behind a counting proxy) and a Redis of its own. */
interface Rig {
  readonly kafka: PrivateServer;
  readonly postgres: PrivateServer;
  readonly redis: PrivateServer;
  readonly proxy: FreezableProxy;
  readonly fake: FakeCoinGecko;
  readonly dir: string;
  readonly tickflow: TickflowProcess;
}

const rigs: Rig[] = [];
after(async () => {
  for (const rig of rigs) {
    await rig.tickflow.stop('SIGKILL');
    await Promise.all([rig.fake.close(), rig.proxy.close()]);
    await Promise.all([rig.kafka.close(), rig.postgres.close(), rig.redis.close()]);
    await rm(rig.dir, { recursive: true, force: true });
  }
});

async function startRig(): Promise<Rig> {
  const [kafka, postgres, redis] = await Promise.all([startKafka(), startPostgres(), startRedis()]);
  const proxy = await startFreezableProxy('127.0.0.1', postgres.port);
  const databaseUrl = new URL(postgres.url);
  databaseUrl.port = String(proxy.port);
  const fake = await startFakeCoinGecko({ script: SCRIPT, stepSeconds: 10 });
  const dir = await mkdtemp(join(tmpdir(), 'tickflow-outage-'));
  const tickflow = await startTickflow(
    ['start'],
    {
      KAFKA_BROKERS: kafka.url,
      DATABASE_URL: databaseUrl.toString(),
      REDIS_URL: redis.url,
      TICKFLOW_DATA_DIR: join(dir, 'data'),
      ...e2eStreamEnv(fake.url, '300ms'),
      LOG_LEVEL: 'info',
    },
    60_000,
  );
  const rig = { kafka, postgres, redis, proxy, fake, dir, tickflow };
  rigs.push(rig);
  return rig;
}

/** How many 1m BTC candles the API has stored. */
async function storedCandles(url: string): Promise<number> {
  const r = await getJson(`${url}/api/v1/historical/BTC?interval=1m&limit=5000`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return (r.body as { candles: unknown[] }).candles.length;
}

type Health = { components: Partial<Record<string, { status: string; detail?: string }>> };

/** Samples `check` every second for `ms`. */
async function during(ms: number, check: () => Promise<void>): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    await check();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

const fresh = (fake: FakeCoinGecko): number => fake.served.filter((s) => !s.repeated).length;

describe(
  'outages of the servers behind a running tickflow',
  { skip: cannotStart(['kafka', 'postgres', 'redis']) },
  () => {
    test(
      'PostgreSQL stopped for 30 s: history and alerts answer 503, latest prices keep working, the processor waits in the group behind an open circuit with bounded memory, and nothing is lost',
      { timeout: 240_000 },
      async () => {
        const rig = await startRig();
        const { tickflow, proxy, fake } = rig;
        await waitFor('a few stored candles', async () => (await storedCandles(tickflow.url)) >= 3, 60_000);

        // The log is read from before the stop: the circuit may open while the server is still going down.
        const logBefore = tickflow.output.stderr.length;
        await rig.postgres.stop();
        const rssBefore = rssMb(tickflow.child.pid!);
        const servedBefore = fresh(fake);
        await during(OUTAGE_MS / 2, async () => {
          for (const path of ['/api/v1/historical/BTC?interval=1m', '/api/v1/alerts/BTC']) {
            const r = await getJson(`${tickflow.url}${path}`);
            assert.equal(r.status, 503, `${path} while PostgreSQL is down: ${JSON.stringify(r.body)}`);
            assert.ok(Number(r.headers.get('retry-after')) > 0, `${path} says when to retry`);
          }
          const latest = await getJson(`${tickflow.url}/api/v1/latest/BTC`);
          assert.equal(latest.status, 200, 'latest prices come from Redis, not PostgreSQL');
        });
        // Then only the processor and the alert relay try the database: the store's circuit lets one trial
        // out per cool-down (8 s by now), where without it each would retry every few seconds.
        const quietFrom = proxy.connections;
        await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS / 2));
        const trials = proxy.connections - quietFrom;
        const rssAfter = rssMb(tickflow.child.pid!);
        const health = (await getJson(`${tickflow.url}/health`)).body as Health;
        const outageLog = tickflow.output.stderr.slice(logBefore);

        assert.ok(fresh(fake) > servedBefore + 30, 'ingest went on while PostgreSQL was down');
        const store = health.components['store'];
        assert.equal(store?.status, 'down');
        assert.match(String(store.detail), /circuit open after .*cannot connect/);
        assert.ok(
          trials <= 3,
          `${trials} connection attempts in the last ${OUTAGE_MS / 2000} s of the outage`,
        );
        assert.equal(outageLog.match(/TF_STORE_CIRCUIT_OPEN/g)?.length, 1, 'the open circuit is logged once');
        assert.doesNotMatch(outageLog, /partitions (revoked|lost)/, 'the processor stays in its group');
        assert.ok(rssAfter - rssBefore < 60, `memory bounded while paused: ${rssBefore} → ${rssAfter} MB`);
        process.stdout.write(
          `# PostgreSQL outage: ${OUTAGE_MS / 1000} s, ${trials} attempts in its last ${OUTAGE_MS / 2000} s, ` +
            `RSS ${rssBefore.toFixed(0)} → ${rssAfter.toFixed(0)} MB\n`,
        );

        await rig.postgres.start();
        await waitFor(
          'the store to be up again',
          async () => {
            const h = (await getJson(`${tickflow.url}/health`)).body as Health;
            return (
              h.components['store']?.status === 'up' &&
              !/circuit/.test(h.components['processor']?.detail ?? '')
            );
          },
          60_000,
        );
        await waitFor('every scripted snapshot', () => fresh(fake) >= FRESH, 120_000);
        await assertHistoryIsReplay(rig.dir, fake.served, [tickflow.url]);
        assert.match(tickflow.output.stderr, /store circuit closed: the database answers again/);
        assert.equal(await tickflow.stop('SIGTERM'), 0, tickflow.output.stderr.slice(-2_000));
      },
    );

    test(
      'Redis stopped for 30 s: latest prices answer 503 with Retry-After, history keeps being written and served, and once Redis is back the cache is filled again and WebSocket clients get prices again',
      { timeout: 240_000 },
      async () => {
        const rig = await startRig();
        const { tickflow, fake } = rig;
        const client = await watch(tickflow.url, 'BTC');
        await waitFor('a few stored candles', async () => (await storedCandles(tickflow.url)) >= 3, 60_000);
        await waitFor('a tick on the WebSocket', () => client.messages.some((m) => m['type'] === 'tick'));

        await rig.redis.stop();
        const candlesBefore = await storedCandles(tickflow.url);
        await during(OUTAGE_MS, async () => {
          const latest = await getJson(`${tickflow.url}/api/v1/latest/BTC`);
          assert.equal(latest.status, 503, `latest while Redis is down: ${JSON.stringify(latest.body)}`);
          assert.ok(Number(latest.headers.get('retry-after')) > 0, 'latest says when to retry');
          await storedCandles(tickflow.url); // asserts 200
        });
        const candlesAfter = await storedCandles(tickflow.url);
        assert.ok(
          candlesAfter >= candlesBefore + 5,
          `history went on being written: ${candlesBefore} → ${candlesAfter} 1m candles`,
        );

        await rig.redis.start();
        const seen = client.messages.length;
        await waitFor(
          'the latest BTC price in the cache again',
          async () => {
            const latest = await getJson(`${tickflow.url}/api/v1/latest/BTC`);
            return latest.status === 200;
          },
          60_000,
        );
        await waitFor(
          'ticks on the WebSocket again',
          () => client.messages.slice(seen).some((m) => m['type'] === 'tick'),
          60_000,
        );
        assert.ok(client.isOpen(), 'the client kept its connection through the outage');
        client.close();
        await waitFor('every scripted snapshot', () => fresh(fake) >= FRESH, 120_000);
        await assertHistoryIsReplay(rig.dir, fake.served, [tickflow.url]);
        assert.equal(await tickflow.stop('SIGTERM'), 0, tickflow.output.stderr.slice(-2_000));
      },
    );
  },
);
