import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Redis } from 'ioredis';
import { type Outcome, servedTicks, startFakeCoinGecko } from '../fixtures/fake-coingecko.js';
import { parseExposition, total } from '../support/prometheus-text.js';
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

/** The --metrics-port URL a process printed in its start-up line. */
const metricsUrl = (p: TickflowProcess): string => {
  const url = /metrics at (http:\/\/\S+)/.exec(p.output.stdout)?.[1];
  assert.ok(url !== undefined, `no metrics URL in: ${p.output.stdout}`);
  return url;
};

/**
 * The standalone processes' own metrics agree with what the fake served: every 200 answer counted as an
 * ok request and poll, each distinct tick once, and between them the surviving processors own every
 * partition and consumed everything the log holds.
 */
async function assertMetrics(
  ingest: TickflowProcess,
  processors: readonly TickflowProcess[],
  served: Parameters<typeof servedTicks>[0],
): Promise<void> {
  const scrape = async (p: TickflowProcess) => parseExposition(await (await fetch(metricsUrl(p))).text());
  const producer = await scrape(ingest);
  const answered = served.length;
  assert.equal(
    total(producer, 'tickflow_source_requests_total', { source: 'coingecko', result: 'ok' }),
    answered,
  );
  assert.equal(
    total(producer, 'tickflow_source_polls_total', { source: 'coingecko', result: 'ok' }),
    answered,
  );
  assert.ok(
    total(producer, 'tickflow_source_requests_total', { result: 'error' }) > 0,
    'the 500s are counted',
  );
  const ticks = servedTicks(served, { bitcoin: 'BTC', ethereum: 'ETH' }).length;
  assert.equal(total(producer, 'tickflow_source_ticks_total', { source: 'coingecko' }), ticks);
  const appended = total(producer, 'tickflow_log_appended_total', { topic: 'crypto-prices' });
  await waitFor('the processors to consume every record', async () => {
    const scrapes = await Promise.all(processors.map(scrape));
    const owned = scrapes.reduce((n, m) => n + total(m, 'tickflow_processor_partitions_owned'), 0);
    const lag = scrapes.reduce((n, m) => n + total(m, 'tickflow_log_consumer_lag'), 0);
    return owned === 3 && lag === 0;
  });
  assert.ok(appended >= ticks, `ingest appended ${appended} records for ${ticks} ticks`);
  const notFound = await fetch(metricsUrl(ingest).replace('/metrics', '/other'));
  assert.equal(notFound.status, 404);
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
      // ingest and process serve their metrics on a port of their own; serve has them on its API port.
      TICKFLOW_METRICS_PORT: '0',
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
      await assertMetrics(ingest, [processB, restarted], fake.served);
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
