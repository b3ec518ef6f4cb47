import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Redis } from 'ioredis';
import { type Outcome, startFakeCoinGecko } from '../fixtures/fake-coingecko.js';
import { createTestDatabase, requireServices, startKafka, startRedis } from '../support/services.js';
import { startTickflow, type TickflowProcess } from '../support/tickflow-process.js';
import { waitFor } from '../support/wait.js';
import { e2eStreamEnv, assertHistoryIsReplay, watch } from './support.js';

/** 60 answers with repeats and errors mixed in, then the source is down for good. */
const SCRIPT: Outcome[] = [
  ...Array.from({ length: 60 }, (_, i): Outcome => (i % 7 === 3 ? 'repeat' : i % 11 === 5 ? '500' : 'ok')),
  ...Array<Outcome>(10_000).fill('500'),
];
const FRESH = SCRIPT.slice(0, 60).filter((o) => o === 'ok').length;
const ASSIGNED = 'processor: partitions assigned';

/** The partitions of each assignment a processor logged, in order. */
function assignments(p: TickflowProcess): number[][] {
  return p.output.stderr
    .split('\n')
    .filter((line) => line.includes(ASSIGNED))
    .map((line) => (JSON.parse(line) as { partitions: number[] }).partitions);
}

test(
  'split layout: 1 ingest, 2 process and 2 serve on Kafka, PostgreSQL and Redis; a processor killed mid-stream loses nothing',
  { timeout: 240_000 },
  async (t) => {
    const urls = requireServices(t, ['kafka', 'postgres']);
    if (!urls) return;
    // A broker of its own: the topic names are fixed, and this test must see only the ticks it served.
    const kafka = await startKafka();
    const redis = await startRedis();
    const dir = await mkdtemp(join(tmpdir(), 'tickflow-split-'));
    const db = await createTestDatabase(urls.postgres);
    const fake = await startFakeCoinGecko({
      script: SCRIPT,
      stepSeconds: 10,
      retryAfter: '1',
      prices: { bitcoin: 43_000, ethereum: 2_300 },
    });
    const env = {
      KAFKA_BROKERS: kafka.url,
      DATABASE_URL: db.url,
      REDIS_URL: redis.url,
      TICKFLOW_DATA_DIR: join(dir, 'data'),
      ...e2eStreamEnv(fake.url, '300ms'),
      TICKFLOW_SESSION_TIMEOUT: '6s',
      LOG_LEVEL: 'info',
    };
    const running: TickflowProcess[] = [];
    const start = async (args: string[]): Promise<TickflowProcess> => {
      const p = await startTickflow(args, { ...env, PORT: '0' }, 60_000);
      running.push(p);
      return p;
    };
    try {
      const processA = await start(['process']);
      const processB = await start(['process']);
      const serveX = await start(['serve']);
      const serveY = await start(['serve']);
      await waitFor(
        'the two processors to share the partitions',
        () => assignments(processB).length > 0 && processA.output.stderr.includes('partitions revoked'),
        60_000,
      );
      // Neither API instance processes anything: what their clients get came through Redis.
      const clients = await Promise.all([serveX, serveY].map((p) => watch(p.url, 'BTC')));
      const ingest = await start(['ingest']);
      await waitFor(
        'a third of the snapshots',
        () => fake.served.filter((s) => !s.repeated).length >= FRESH / 3,
        60_000,
      );

      await processA.stop('SIGKILL'); // mid-stream, with uncommitted work and a checkpoint behind
      const owned = assignments(processB).flat().length;
      await waitFor(
        'the survivor to take every partition',
        () => assignments(processB).flat().length > owned,
        60_000,
      );
      const restarted = await start(['process']);
      await waitFor('some partitions to move back', () => assignments(restarted).length > 0, 60_000);

      await waitFor(
        'every scripted snapshot',
        () => fake.served.filter((s) => !s.repeated).length >= FRESH,
        120_000,
      );
      await assertHistoryIsReplay(dir, fake.served, [serveX.url, serveY.url]);
      for (const client of clients) {
        await waitFor('a BTC tick and candle on each API instance’s WebSocket', () =>
          ['tick', 'candle'].every((type) => client.messages.some((m) => m['type'] === type)),
        );
        assert.ok(client.messages.every((m) => m['symbol'] === 'BTC'));
        client.close();
      }
      const raw = new Redis(redis.url);
      try {
        const latest = JSON.parse((await raw.get('crypto:BTC:latest')) ?? 'null') as {
          symbol?: string;
        } | null;
        assert.equal(latest?.symbol, 'BTC', 'crypto:BTC:latest holds the latest price as JSON');
        const ttl = await raw.pttl('crypto:BTC:latest');
        assert.ok(ttl > 0 && ttl <= 45_000, `crypto:BTC:latest expires within 45 s (PTTL ${ttl} ms)`);
      } finally {
        raw.disconnect();
      }
      for (const p of [ingest, restarted, processB, serveX, serveY]) {
        assert.equal(await p.stop('SIGTERM'), 0, p.output.stderr.slice(-2_000));
      }
    } finally {
      await Promise.all(running.map((p) => p.stop('SIGKILL')));
      await fake.close();
      await Promise.all([db.drop(), kafka.close(), redis.close()]);
      await rm(dir, { recursive: true, force: true });
    }
  },
);
