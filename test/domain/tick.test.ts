import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { tickToJson, validateTick } from '../../src/domain/tick.js';
import { epochMs } from '../../src/domain/time.js';

const now = epochMs(1_700_000_000_500);
const base = { symbol: 'btc', price: 43250.5, ts: 1_700_000_000_000 };

describe('validateTick', () => {
  test('accepts a minimal tick and fills the defaults', () => {
    const r = validateTick(base, now);
    assert.ok(r.ok);
    assert.deepEqual(r.tick, {
      symbol: 'BTC',
      price: 43250.5,
      ts: 1_700_000_000_000,
      receivedAt: now,
      source: 'file',
      volume: 0,
      seq: null,
      change24h: null,
      volume24h: null,
    });
    assert.equal(r.partition, 0);
  });

  test('without a clock, receipt time defaults to event time (replay stays deterministic)', () => {
    const r = validateTick(base, null);
    assert.ok(r.ok);
    assert.equal(r.tick.receivedAt, base.ts);
  });

  test('round-trips through its JSON form', () => {
    const r = validateTick({ ...base, volume: 2, seq: 7, source: 'binance', change_24h: -1.5 }, now);
    assert.ok(r.ok);
    const again = validateTick(JSON.parse(JSON.stringify(tickToJson(r.tick))), null);
    assert.ok(again.ok);
    assert.deepEqual(again.tick, r.tick);
  });

  const bad: [string, unknown, string][] = [
    ['not an object', [1, 2], 'tick'],
    ['null', null, 'tick'],
    ['missing symbol', { price: 1, ts: 1 }, 'symbol'],
    ['bad symbol', { ...base, symbol: 'B TC' }, 'symbol'],
    ['price as string', { ...base, price: '1' }, 'price'],
    ['zero price', { ...base, price: 0 }, 'price'],
    ['NaN-like price', { ...base, price: null }, 'price'],
    ['fractional ts', { ...base, ts: 1.5 }, 'ts'],
    ['negative ts', { ...base, ts: -1 }, 'ts'],
    ['ts past year 9999', { ...base, ts: 1e15 }, 'ts'],
    ['negative volume', { ...base, volume: -1 }, 'volume'],
    ['empty source', { ...base, source: '' }, 'source'],
    ['object seq', { ...base, seq: {} }, 'seq'],
    ['fractional partition', { ...base, partition: 0.5 }, 'partition'],
    ['bad received_at', { ...base, received_at: 'now' }, 'received_at'],
    ['bad change_24h', { ...base, change_24h: 'x' }, 'change_24h'],
  ];
  for (const [name, raw, field] of bad) {
    test(`rejects ${name}, naming the field`, () => {
      const r = validateTick(raw, now);
      assert.ok(!r.ok);
      assert.equal(r.field, field);
      assert.ok(r.reason.length > 5);
    });
  }
});
