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

  test('with a seq, the same seq of the same source is a duplicate whatever its time or price', () => {
    const dedup = new Deduplicator();
    for (const seq of ['7', '8', 'x-1', '007']) assert.equal(dedup.check(trade({ ts: 5, seq })), false, seq);
    assert.equal(dedup.check(trade({ ts: 5, seq: '7', price: 99 })), true);
    assert.equal(dedup.check(trade({ ts: 9, seq: '8' })), true, 'at another time');
    assert.equal(dedup.check(trade({ ts: 5, seq: 'x-1' })), true, 'a sequence that is not a number');
    assert.equal(dedup.check(trade({ ts: 5, seq: '07' })), false, '"07" is not "007" nor "7"');
    assert.equal(dedup.check(trade({ ts: 5, seq: '7', source: 'other' })), false, 'another source');
  });

  test('consecutive trade ids are kept as one range, whatever the rate', () => {
    const dedup = new Deduplicator();
    for (let id = 1_000; id < 901_000; id++)
      dedup.check(trade({ ts: id, seq: String(id), source: 'binance' }));
    assert.deepEqual(dedup.snapshot(), [['range', 'binance', 1_000, 900_999, 900_999]]);
    dedup.forgetBefore(900_999);
    assert.equal(dedup.snapshot().length, 1, 'a range goes only once all its trades are older');
    dedup.forgetBefore(901_000);
    assert.deepEqual(dedup.snapshot(), []);
  });

  test('trade ids of 16 digits up to 2^53 − 1 are ranges too; larger ones are kept one by one', () => {
    const dedup = new Deduplicator();
    // As the simulated source numbers its trades: from its start time in µs.
    const first = 1_796_594_110_534_001;
    for (let id = first; id < first + 10_000; id++) {
      dedup.check(trade({ ts: 1, seq: String(id), source: 'simulated' }));
    }
    assert.deepEqual(dedup.snapshot(), [['range', 'simulated', first, first + 9_999, 1]]);
    assert.equal(dedup.check(trade({ ts: 2, seq: String(first + 5), source: 'simulated' })), true);
    const beyond = ['9007199254740992', '9007199254740993'];
    for (const seq of beyond) assert.equal(dedup.check(trade({ ts: 1, seq, source: 'big' })), false, seq);
    assert.equal(
      dedup.check(trade({ ts: 1, seq: beyond[1]!, source: 'big' })),
      true,
      'not rounded onto 2^53',
    );
    assert.equal(dedup.snapshot().length, 3);
  });

  test('a checkpoint keeps price and size, and restores to the same decisions', () => {
    const dedup = new Deduplicator();
    dedup.check(trade({ ts: 1, price: 10, volume: 2 }));
    dedup.check(trade({ ts: 1, seq: 'a', price: 12 }));
    const restored = Deduplicator.restore(JSON.parse(JSON.stringify(dedup.snapshot())) as DedupEntry[]);
    assert.deepEqual(restored.snapshot(), dedup.snapshot());
    assert.equal(restored.check(trade({ ts: 3, seq: 'a' })), true);
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
