import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Update } from '../../src/cache/cache.js';
import { MemoryCache } from '../../src/cache/memory-cache.js';
import { EmbeddedLog } from '../../src/log/embedded-log.js';
import { silentLogger } from '../../src/logger.js';
import { Ingestor } from '../../src/pipeline/ingestor.js';
import { ensureTopics } from '../../src/pipeline/topics.js';
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
