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
import { Ingestor } from '../../src/pipeline/ingestor.js';
import { DEAD_LETTER_TOPIC, ensureTopics } from '../../src/pipeline/topics.js';
import { FileSource } from '../../src/sources/file.js';
import { SimulatedSource } from '../../src/sources/simulated.js';
import { waitFor } from '../support/wait.js';

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

test('when the log refuses writes, the latest prices turn stale in the cache, once', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tickflow-ingestor-'));
  dirs.push(dir);
  const log = new EmbeddedLog(join(dir, 'log'), silentLogger());
  await log.start();
  await ensureTopics(log);
  const cache = new MemoryCache();
  await cache.start();
  const latest = { symbol: 'BTC', price: 43_000, ts: Date.now(), source: 'simulated' };
  await cache.setLatest({ ...latest, change_24h: null, volume_24h: null, stale: false }, 45_000);
  const updates: Update[] = [];
  await cache.subscribe((u) => updates.push(u));
  const source = new SimulatedSource({ symbols: ['BTC'], rate: 50, seed: 7, logger: silentLogger() });
  const ingestor = new Ingestor({
    log,
    cache,
    sources: [source],
    symbols: ['BTC', 'ETH'],
    latestTtlMs: 45_000,
    futureHorizonMs: 300_000,
    logger: silentLogger(),
    clock: Date.now,
  });
  await ingestor.start();
  try {
    await waitFor('ticks in the log', () => ingestor.appended > 0);
    assert.equal((await cache.getLatest('BTC'))?.stale, false);

    await log.close(); // from now on every append is refused
    await waitFor(
      'the latest BTC price to be marked stale',
      async () => (await cache.getLatest('BTC'))?.stale,
    );
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
  } finally {
    await ingestor.close();
    await cache.close();
  }
});

test('a tick from beyond the future horizon is dead-lettered at the edge and counted against its source', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tickflow-ingestor-'));
  dirs.push(dir);
  const now = Date.now();
  const lines = [
    { symbol: 'BTC', price: 1, ts: now - 1_000 },
    { symbol: 'BTC', price: 2, ts: 32_503_680_000_000 }, // the year 3000
    { symbol: 'BTC', price: 3, ts: now + 299_000 }, // within the 5 minutes a clock may be off
    { symbol: 'ETH', price: 4, ts: now + 301_000, received_at: now },
  ];
  const input = join(dir, 'ticks.jsonl');
  await writeFile(input, lines.map((l) => JSON.stringify(l)).join('\n'));
  const log = new EmbeddedLog(join(dir, 'log'), silentLogger());
  await log.start();
  await ensureTopics(log);
  const source = new FileSource({ path: input, logger: silentLogger(), clock: () => now });
  const ingestor = new Ingestor({
    log,
    cache: new MemoryCache(),
    sources: [source],
    symbols: ['BTC', 'ETH'],
    latestTtlMs: 45_000,
    futureHorizonMs: 300_000,
    logger: silentLogger(),
    clock: Date.now,
  });
  await ingestor.start();
  try {
    await source.done;
    const read = async (topic: string) => {
      const consumer = await log.consumer(`reader-${topic}`, topic, {
        onAssigned: (ps) => Promise.resolve(new Map(ps.map((p) => [p, 0]))),
        onRevoked: () => Promise.resolve(),
      });
      const values = (await consumer.poll(100, 100)).map(
        (r) => JSON.parse(r.value) as Record<string, unknown>,
      );
      await consumer.close();
      return values;
    };
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
  } finally {
    await ingestor.close();
    await log.close();
  }
});
