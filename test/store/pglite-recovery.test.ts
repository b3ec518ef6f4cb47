import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { test } from 'node:test';
import { silentLogger } from '../../src/logger.js';
import { createPgliteStore } from '../../src/store/pglite-store.js';
import {
  DESCRIPTOR_GROUP,
  DESCRIPTOR_LIMIT,
  FAILED,
  FIRST,
  LAST,
  type Outcome,
  commitThroughExhaustion,
} from './descriptor-child.js';
import { tempDir } from './fixtures.js';

const assertRetriable = (outcome: Outcome, what: string): void => {
  assert.equal(outcome.ok, false, `${what} fails`);
  assert.equal(outcome.retriable, true, `${what} is retriable: ${outcome.message}`);
  assert.equal(outcome.code, 'TF_STORE_UNAVAILABLE', `${what}: ${outcome.message}`);
};

test(`a commit that fails at the descriptor limit (${DESCRIPTOR_LIMIT}) does not poison later ones`, async (t) => {
  const dir = await tempDir();
  try {
    const started = performance.now();
    const report = await commitThroughExhaustion(dir);
    t.diagnostic(`child: ${Math.round(performance.now() - started)} ms, ${JSON.stringify(report)}`);
    assertRetriable(report.failed, 'the commit at the limit');
    assertRetriable(report.whileExhausted, 'a commit while descriptors are still short');
    assert.equal(
      report.recovered.ok,
      true,
      `a commit once descriptors are free: ${report.recovered.message}`,
    );

    const store = createPgliteStore(dir, silentLogger());
    await store.start();
    const count = async (symbol: string) =>
      (await store.candles({ symbol, interval: '1m', limit: 10_000 })).length;
    assert.equal(await count('FIRST'), FIRST.candles.length);
    assert.equal(await count('LAST'), LAST.candles.length);
    assert.equal(await count('FAILED'), 0, 'no candle of the failed commit');
    assert.deepEqual(await store.alerts({ symbol: 'FAILED', limit: 10 }), []);
    assert.deepEqual(await store.pendingOutbox(10), [], 'no outbox entry of the failed commit');
    assert.ok(!(await store.symbols()).some((s) => s.symbol === 'FAILED'), 'no symbol of the failed commit');
    assert.deepEqual(
      (await store.loadCheckpoints(DESCRIPTOR_GROUP, [0])).get(0),
      LAST.checkpoints[0],
      `the checkpoint is LAST's, not FAILED's (${FAILED.checkpoints[0]?.nextOffset})`,
    );
    await store.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
