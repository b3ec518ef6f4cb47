import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Tick } from '../../src/domain/tick.js';
import { type DedupEntry, Deduplicator } from '../../src/processor/dedup.js';
import { tick } from '../support/operator-harness.js';

const trade = (fields: Partial<Omit<Tick, 'ts'>> & { ts: number }): Tick =>
  tick({ source: 'file', price: 10, volume: 1, seq: null, ...fields });

describe('Deduplicator', () => {
  test('without a seq, only the same time, price and size is a duplicate', () => {
    const dedup = new Deduplicator();
    assert.equal(dedup.check(trade({ ts: 1 })), false);
    assert.equal(dedup.check(trade({ ts: 1, price: 11 })), false, 'another price in the same ms');
    assert.equal(dedup.check(trade({ ts: 1, volume: 2 })), false, 'another size in the same ms');
    assert.equal(dedup.check(trade({ ts: 1, source: 'other' })), false, 'another source');
    assert.equal(dedup.check(trade({ ts: 1 })), true, 'the first one again');
    assert.equal(dedup.check(trade({ ts: 1, price: 11 })), true);
  });

  test('with a seq, the same seq at the same time is a duplicate whatever its price', () => {
    const dedup = new Deduplicator();
    assert.equal(dedup.check(trade({ ts: 5, seq: '7' })), false);
    assert.equal(dedup.check(trade({ ts: 5, seq: '8' })), false);
    assert.equal(dedup.check(trade({ ts: 5, seq: '7', price: 99 })), true);
  });

  test('a checkpoint keeps price and size, and restores to the same decisions', () => {
    const dedup = new Deduplicator();
    dedup.check(trade({ ts: 1, price: 10, volume: 2 }));
    dedup.check(trade({ ts: 1, seq: 'a', price: 12 }));
    const restored = Deduplicator.restore(JSON.parse(JSON.stringify(dedup.snapshot())) as DedupEntry[]);
    assert.deepEqual(restored.snapshot(), dedup.snapshot());
    assert.equal(restored.check(trade({ ts: 1, price: 10, volume: 2 })), true);
    assert.equal(restored.check(trade({ ts: 1, price: 10, volume: 3 })), false);
    assert.equal(restored.check(trade({ ts: 1, seq: 'a', price: 1 })), true);
  });

  test('a key from a checkpoint that predates price and size matches any price and size at its time', () => {
    const restored = Deduplicator.restore([[1, 'file', null]]);
    assert.equal(restored.check(trade({ ts: 1, price: 123, volume: 4 })), true, 'as the old rule decided');
    assert.deepEqual(restored.snapshot()[0], [1, 'file', null], 'kept in its old form until forgotten');
  });
});
