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
    ['negative price', { ...base, price: -1 }, 'price'],
    ['absurd price', { ...base, price: 1e300 }, 'price'],
    ['fractional ts', { ...base, ts: 1.5 }, 'ts'],
    ['negative ts', { ...base, ts: -1 }, 'ts'],
    ['ts past year 9999', { ...base, ts: 1e15 }, 'ts'],
    ['ts in seconds', { ...base, ts: 1_700_000_000 }, 'ts'],
    ['negative volume', { ...base, volume: -1 }, 'volume'],
    ['empty source', { ...base, source: '' }, 'source'],
    ['object seq', { ...base, seq: {} }, 'seq'],
    ['fractional partition', { ...base, partition: 0.5 }, 'partition'],
    ['bad received_at', { ...base, received_at: 'now' }, 'received_at'],
    ['bad change_24h', { ...base, change_24h: 'x' }, 'change_24h'],
  ];
  test('names a price over 1e15 as implausible, and takes 1e15 itself', () => {
    assert.deepEqual(validateTick({ ...base, price: 1.5e15 }, now), {
      ok: false,
      field: 'price',
      reason: 'must be at most 1e15: no asset is priced that high',
    });
    assert.equal(validateTick({ ...base, price: 1e15 }, now).ok, true);
  });

  test('names a seconds value as such', () => {
    const r = validateTick({ ...base, ts: 1_700_000_000 }, now);
    assert.deepEqual(r, {
      ok: false,
      field: 'ts',
      reason: '1700000000 is before 2001: it looks like epoch seconds, not milliseconds',
    });
  });

  test('with a bound, rejects an event time too far ahead of received_at or the reference, the earlier', () => {
    const bound = { horizonMs: 300_000, reference: epochMs(base.ts) };
    const ahead = (ms: number, extra: Record<string, unknown> = {}) =>
      validateTick({ ...base, ...extra, ts: base.ts + ms }, null, bound).ok;
    assert.equal(ahead(300_000), true, 'the horizon itself is allowed');
    assert.equal(ahead(300_001), false, 'a line without received_at is bounded by the reference');
    assert.equal(ahead(299_999, { received_at: base.ts - 1 }), true);
    assert.equal(ahead(300_000, { received_at: base.ts - 1 }), false, 'an earlier received_at bounds it');
    assert.equal(ahead(600_000, { received_at: base.ts + 600_000 }), false, 'a later one does not help');
    assert.equal(validateTick({ ...base, ts: base.ts + 600_000 }, null).ok, true, 'no bound, no check');
  });

  for (const [name, raw, field] of bad) {
    test(`rejects ${name}, naming the field`, () => {
      const r = validateTick(raw, now);
      assert.ok(!r.ok);
      assert.equal(r.field, field);
      assert.ok(r.reason.length > 5);
    });
  }
});
