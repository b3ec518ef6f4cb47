/**
 * Embedded store (PGlite) figures: start-up on a new and on an existing directory, one commit of 1,000
 * candles with a 10 kB checkpoint, and a read of 1,000 candles.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../src/logger.js';
import { createPgliteStore } from '../src/store/pglite-store.js';
import { candles, median, report } from './support.js';

const ROUNDS = 7;
const dir = await mkdtemp(join(tmpdir(), 'tickflow-bench-store-'));
try {
  let started = performance.now();
  let store = createPgliteStore(dir, silentLogger());
  await store.start();
  const startNewMs = performance.now() - started;
  const commits: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const batch = candles('BTC', 1_000, round * 1_000);
    const checkpoints = [
      { partition: 0, nextOffset: BigInt((round + 1) * 1_000), state: 'x'.repeat(10_000) },
    ];
    started = performance.now();
    await store.commit({ group: 'bench', fence: null, checkpoints, candles: batch, alerts: [] });
    commits.push(performance.now() - started);
  }
  await store.close();
  started = performance.now();
  store = createPgliteStore(dir, silentLogger());
  await store.start();
  const startExistingMs = performance.now() - started;
  const reads: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    started = performance.now();
    await store.candles({ symbol: 'BTC', interval: '1m', limit: 1_000 });
    reads.push(performance.now() - started);
  }
  await store.close();
  report({
    bench: 'store_pglite',
    start_new_dir_ms: Math.round(startNewMs),
    start_existing_dir_ms: Math.round(startExistingMs),
    commit_1000_candles_ms_median: Math.round(median(commits)),
    read_1000_candles_ms_median: Math.round(median(reads)),
  });
} finally {
  await rm(dir, { recursive: true, force: true });
}
