import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Update } from '../../src/cache/cache.js';
import { MemoryCache } from '../../src/cache/memory-cache.js';
import { EmbeddedLog } from '../../src/log/embedded-log.js';
import { PRICES_TOPIC } from '../../src/log/log.js';
import { silentLogger } from '../../src/logger.js';
import { sourceTicks } from '../../src/metrics/metrics.js';
import { Ingestor } from '../../src/pipeline/ingestor.js';
import { DEAD_LETTER_TOPIC, ensureTopics } from '../../src/pipeline/topics.js';
import { FileSource } from '../../src/sources/file.js';
import { SimulatedSource } from '../../src/sources/simulated.js';
import type { Source } from '../../src/sources/source.js';
import { type Outcome, startFakeCoinGecko, sourceOnFake } from '../fixtures/fake-coingecko.js';
import { readTopic } from '../support/read-topic.js';
import { waitFor } from '../support/wait.js';

const HORIZON_MS = 300_000;
const cleanups: (() => Promise<unknown>)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** An ingestor on a real embedded log and memory cache, for the sources `make` builds in `dir`. */
async function rig(make: (dir: string) => Promise<Source[]> | Source[]) {
  const dir = await mkdtemp(join(tmpdir(), 'tickflow-ingestor-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const log = new EmbeddedLog(join(dir, 'log'), silentLogger());
  await log.start();
  await ensureTopics(log);
  const cache = new MemoryCache();
  await cache.start();
  const ingestor = new Ingestor({
    log,
    cache,
    sources: await make(dir),
    symbols: ['BTC', 'ETH'],
    latestTtlMs: 45_000,
    futureHorizonMs: HORIZON_MS,
    logger: silentLogger(),
    clock: Date.now,
  });
  await ingestor.start();
  cleanups.push(
    () => ingestor.close(),
    () => log.close().catch(() => undefined),
    () => cache.close(),
  );
  const read = async (topic: string) =>
    (await readTopic(log, topic)).map((v) => JSON.parse(v) as Record<string, unknown>);
  return { log, cache, ingestor, read };
}

test('when the log refuses writes, the latest prices turn stale in the cache, once', async () => {
  const { log, cache, ingestor } = await rig(() => [
    new SimulatedSource({ symbols: ['BTC'], rate: 50, seed: 7, logger: silentLogger() }),
  ]);
  const latest = { symbol: 'BTC', price: 43_000, ts: Date.now(), source: 'simulated' };
  await cache.setLatest({ ...latest, change_24h: null, volume_24h: null, stale: false }, 45_000);
  const updates: Update[] = [];
  await cache.subscribe((u) => updates.push(u));
  await waitFor('ticks in the log', () => ingestor.appended > 0);
  assert.equal((await cache.getLatest('BTC'))?.stale, false);

  await log.close(); // from now on every append is refused
  await waitFor('the latest BTC price to be marked stale', async () => (await cache.getLatest('BTC'))?.stale);
  await waitFor(
    'more refused writes',
    () => (ingestor.problems.snapshot()['TF_INGEST_WRITE_FAILED'] ?? 0) > 2,
  );
  assert.deepEqual(await cache.getLatest('BTC'), {
    ...latest,
    change_24h: null,
    volume_24h: null,
    stale: true,
  });
  assert.deepEqual(
    updates.map((u) => [u.type, u.symbol, 'stale' in u ? u.stale : undefined]),
    [['tick', 'BTC', true]],
    'one stale update for the symbol that had a price, none for the one that had none',
  );
  assert.equal(await cache.getLatest('ETH'), null);
});

test('a tick from beyond the future horizon is dead-lettered at the edge and counted against its source', async () => {
  const now = Date.now();
  const lines = [
    { symbol: 'BTC', price: 1, ts: now - 1_000 },
    { symbol: 'BTC', price: 2, ts: 32_503_680_000_000 }, // the year 3000
    { symbol: 'BTC', price: 3, ts: now + 299_000 }, // within the 5 minutes a clock may be off
    { symbol: 'ETH', price: 4, ts: now + 301_000, received_at: now },
  ];
  let file: FileSource | undefined;
  const { ingestor, read } = await rig(async (dir) => {
    const path = join(dir, 'ticks.jsonl');
    await writeFile(path, lines.map((l) => JSON.stringify(l)).join('\n'));
    file = new FileSource({ path, logger: silentLogger(), clock: () => now });
    return [file];
  });
  await file?.done;
  assert.deepEqual((await read(PRICES_TOPIC)).map((t) => t['price']).sort(), [1, 3]);
  const dead = await read(DEAD_LETTER_TOPIC);
  assert.deepEqual(
    dead.map((d) => [d['code'], d['key']]),
    [
      ['TF_TICK_IMPLAUSIBLE_TIME', 'BTC'],
      ['TF_TICK_IMPLAUSIBLE_TIME', 'ETH'],
    ],
  );
  assert.match(
    String(dead[1]?.['reason']),
    /^ts: \d+ is 301s ahead of its receipt time \d+, beyond the future horizon of 5m$/,
  );
  assert.equal(ingestor.statuses()[0]?.rejected, 2, 'counted in the source status /health shows');
});

test('a feed that answers only with ticks from the future gets gap markers, not heartbeats', async () => {
  const fake = await startFakeCoinGecko({ script: ['ok', ...Array<Outcome>(1_000).fill('future')] });
  cleanups.push(() => fake.close());
  const { read } = await rig(() => [sourceOnFake(fake.url, { futureHorizonMs: HORIZON_MS })]);
  const gap = await waitFor('a gap marker for BTC', async () =>
    (await read(PRICES_TOPIC)).find((r) => r['type'] === 'gap' && r['symbol'] === 'BTC'),
  );
  assert.deepEqual(gap, {
    type: 'gap',
    symbol: 'BTC',
    source: 'coingecko',
    at: gap['at'],
    reason: 'only ticks with implausible event times',
  });
  const signals = (await read(PRICES_TOPIC)).filter((r) => r['type'] !== undefined);
  const afterGap = signals.slice(signals.findIndex((s) => s['type'] === 'gap'));
  assert.ok(
    afterGap.every((s) => s['type'] === 'gap'),
    'no heartbeat keeps the stale price alive once only future ticks come',
  );
});

test('a slow log never has two turns of feed signals in flight at once', async () => {
  let inFlight = 0;
  let most = 0;
  let signalSends = 0;
  const { log } = await rig(() => [
    new SimulatedSource({ symbols: ['BTC'], rate: 20, seed: 7, logger: silentLogger() }),
  ]);
  // The real log, made slow for feed signals (heartbeats each second while ticks flow): each such send
  // waits 3.5 s, over three turns of the 1 s timer.
  const producer = log.producer();
  const send = producer.send.bind(producer);
  producer.send = async (topic, records) => {
    if (!records.some((r) => r.value.includes('"heartbeat"'))) {
      await send(topic, records);
      return;
    }
    signalSends++;
    inFlight++;
    most = Math.max(most, inFlight);
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    try {
      await send(topic, records);
    } finally {
      inFlight--;
    }
  };
  await waitFor('two slow turns', () => signalSends >= 2, 15_000);
  assert.equal(most, 1);
});

test('ticks are counted per configured symbol; any other symbol counts as "other", so the labels stay bounded', async () => {
  const ticksOf = async (symbol: string): Promise<number> =>
    (await sourceTicks.get()).values
      .filter((v) => v.labels['source'] === 'file' && v.labels['symbol'] === symbol)
      .reduce((sum, v) => sum + v.value, 0);
  const before = { BTC: await ticksOf('BTC'), other: await ticksOf('other') };
  const now = Date.now();
  const lines = [
    { symbol: 'BTC', price: 1, ts: now - 3_000 },
    { symbol: 'BTC', price: 2, ts: now - 2_000 },
    ...Array.from({ length: 5 }, (_, i) => ({ symbol: `MADEUP${i}`, price: 1, ts: now - 1_000 })),
  ];
  let file: FileSource | undefined;
  await rig(async (dir) => {
    const path = join(dir, 'ticks.jsonl');
    await writeFile(path, lines.map((l) => JSON.stringify(l)).join('\n'));
    file = new FileSource({ path, logger: silentLogger(), clock: () => now });
    return [file];
  });
  await file?.done;
  await waitFor('the ticks counted', async () => (await ticksOf('other')) - before.other === 5);
  assert.equal((await ticksOf('BTC')) - before.BTC, 2);
  const symbols = new Set((await sourceTicks.get()).values.map((v) => v.labels['symbol']));
  assert.ok(![...symbols].some((s) => String(s).startsWith('MADEUP')), 'no label per unconfigured symbol');
});
