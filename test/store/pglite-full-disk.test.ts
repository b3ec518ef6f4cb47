import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { isTickflowError } from '../../src/errors.js';
import { createPgliteStore } from '../../src/store/pglite-store.js';
import type { CommitBatch, Store } from '../../src/store/store.js';
import { cannotMount, mountTmpfs } from '../support/mounts.js';
import { MIN, T0, batch, candle, recordingLogger } from './fixtures.js';

const run = promisify(execFile);

/** Candles enough to need new pages, so the commit must grow a file. */
const candlesOf = (symbol: string, count: number): CommitBatch =>
  batch({ candles: Array.from({ length: count }, (_, i) => candle({ symbol, windowStart: T0 + i * MIN })) });

const BEFORE = candlesOf('BEFORE', 50);
const DURING = candlesOf('DURING', 3_000);
/** Commit attempts while the disk is full, 100 ms apart as the committer makes them, a health check each. */
const ATTEMPTS = 40;

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function codeOf(attempt: Promise<unknown>): Promise<string> {
  try {
    await attempt;
    return 'ok';
  } catch (err) {
    return isTickflowError(err) ? err.code : String(err);
  }
}

const count = async (store: Store, symbol: string): Promise<number> =>
  (await store.candles({ symbol, interval: '1m', limit: 10_000 })).length;

test(
  'a full disk under PGlite: commits fail as TF_STORE_NO_SPACE, health says so, it is logged once, and the first commit once space returns goes through',
  { skip: cannotMount(), timeout: 90_000 },
  async (t) => {
    const disk = await mountTmpfs('64m');
    t.after(() => disk.unmount());
    const { logger, records } = recordingLogger();
    const store = createPgliteStore(join(disk.dir, 'store'), logger);
    await store.start();
    await store.commit(BEFORE);
    const filler = join(disk.dir, 'filler');
    await run('fallocate', ['-l', String(await disk.available()), filler]);
    assert.equal(await disk.available(), 0, 'the disk is full');
    const logged = records.length;

    const outcomes: string[] = [];
    const health: string[] = [];
    for (let i = 0; i < ATTEMPTS; i++) {
      outcomes.push(await codeOf(store.commit(DURING)));
      health.push(await codeOf(store.health()));
      await pause(100);
    }
    assert.deepEqual(new Set(outcomes), new Set(['TF_STORE_NO_SPACE']), 'every commit: no space');
    assert.deepEqual(new Set(health), new Set(['TF_STORE_NO_SPACE']), 'health: no space, throughout');
    const during = records.slice(logged).map((r) => String(r['msg']));
    t.diagnostic(`logged while full: ${JSON.stringify(during)}`);
    const times = (msg: string): number => during.filter((m) => m.startsWith(msg)).length;
    assert.equal(times('store out of space'), 1, 'the outage is logged once');
    assert.equal(times('store engine broken'), 1, 'the breakdown is logged once');
    assert.ok(times('store engine reopened') <= 1, 'the reopen is logged at most once');
    assert.equal(times('store reachable again'), 0, 'a read that works is no recovery');
    assert.equal(times('store writes succeed again'), 0);
    assert.ok(during.length <= 4, `at most 4 lines for ${ATTEMPTS} failed commits: ${during.join(' | ')}`);

    await rm(filler);
    const freed = Date.now();
    let retries = 0;
    while ((await codeOf(store.commit(DURING))) !== 'ok') {
      assert.ok(Date.now() - freed < 30_000, 'a commit goes through within 30 s of space returning');
      retries++;
      await pause(100);
    }
    t.diagnostic(`committed ${Date.now() - freed} ms after space returned, after ${retries} retries`);
    assert.equal(await codeOf(store.health()), 'ok');
    const after = records.slice(logged).map((r) => String(r['msg']));
    assert.equal(after.filter((m) => m === 'store writes succeed again').length, 1);
    assert.equal(await count(store, 'BEFORE'), BEFORE.candles.length);
    assert.equal(await count(store, 'DURING'), DURING.candles.length, 'the commit, once, whole');
    await store.close();
  },
);
