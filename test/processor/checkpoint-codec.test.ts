import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CheckpointError } from '../../src/errors.js';
import {
  decodeCheckpoint,
  encodeCheckpoint,
  restoreOperator,
  snapshotOperator,
} from '../../src/processor/checkpoint-codec.js';
import { harness, min, T0, tick } from '../support/operator-harness.js';

test('a checkpoint is plain JSON with a version and survives a round trip', () => {
  const h = harness({ anomaly: { rules: ['price_spike', 'zscore', 'volume_spike', 'stale_feed'] } });
  h.feed(tick({ ts: T0, price: 1, volume: 1, seq: 'x' }), tick({ ts: T0 + min(3), price: 2 }));
  const text = encodeCheckpoint(snapshotOperator(h.op));
  const restored = harness({ anomaly: { rules: ['price_spike', 'zscore', 'volume_spike', 'stale_feed'] } });
  restoreOperator(restored.op, decodeCheckpoint(text));
  assert.equal(encodeCheckpoint(snapshotOperator(restored.op)), text);
  assert.equal((JSON.parse(text) as { version: number }).version, 1);
});

test('a checkpoint from other window settings, another version or damaged text is refused with a coded error', () => {
  const h = harness({ intervals: '1m' });
  h.feed(tick({ ts: T0 }));
  const checkpoint = snapshotOperator(h.op);
  const isCheckpointError = (err: unknown): boolean =>
    err instanceof CheckpointError && err.code === 'TF_CHECKPOINT_INCOMPATIBLE';
  assert.throws(() => {
    restoreOperator(harness({ intervals: '5m' }).op, checkpoint);
  }, isCheckpointError);
  assert.throws(() => {
    restoreOperator(harness({ intervals: '1m', outOfOrdernessMs: 1 }).op, checkpoint);
  }, isCheckpointError);
  assert.throws(() => {
    restoreOperator(harness({ intervals: '1m' }).op, { ...checkpoint, version: 2 as 1 });
  }, isCheckpointError);
  assert.throws(() => decodeCheckpoint('{"symbols":'), isCheckpointError);
  const damaged = { ...checkpoint, symbols: checkpoint.symbols.map((s) => ({ ...s, dedup: [[1, 'x']] })) };
  assert.throws(() => {
    restoreOperator(harness({ intervals: '1m' }).op, damaged as typeof checkpoint);
  }, isCheckpointError);
  assert.throws(() => decodeCheckpoint('42'), isCheckpointError);
});

test('state can be dropped for symbols that moved to another processor', () => {
  const h = harness({ intervals: '1m' });
  h.feed(tick({ symbol: 'BTC', ts: T0 }), tick({ symbol: 'ETH', ts: T0 }));
  h.op.dropState((s) => s === 'ETH');
  assert.deepEqual(
    snapshotOperator(h.op).symbols.map((s) => s.symbol),
    ['BTC'],
  );
});
