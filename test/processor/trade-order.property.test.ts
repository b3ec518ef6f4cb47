import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { Candle } from '../../src/domain/candle.js';
import type { Tick } from '../../src/domain/tick.js';
import { harness, min, T0, tick } from '../support/operator-harness.js';

/** Distinct trades (each its own seq, or none), many in the same millisecond, over a few minutes. */
const trades = fc
  .array(
    fc.record({
      ms: fc.integer({ min: 0, max: 5 }), // few instants: many trades share one
      minute: fc.integer({ min: 0, max: 6 }),
      // As exchanges quote them: prices in cents and sizes in satoshis, which binary doubles round.
      price: fc.integer({ min: 100, max: 7_000_000 }).map((cents) => cents / 100),
      size: fc.oneof(
        { weight: 5, arbitrary: fc.integer({ min: 1, max: 500_000_000 }).map((sats) => sats / 1e8) },
        { weight: 1, arbitrary: fc.constant(0) },
      ),
      sequenced: fc.boolean(),
    }),
    { minLength: 1, maxLength: 120 },
  )
  .map((specs) =>
    specs.map((s, i) =>
      tick({
        ts: T0 + min(s.minute) + s.ms,
        price: s.price,
        volume: s.size,
        seq: s.sequenced ? `t${i}` : null,
        source: 'binance',
      }),
    ),
  );

/** Closes every window the ticks touch, then returns the closed candles by window. */
function closed(ticks: readonly Tick[]): Map<string, Candle> {
  const h = harness();
  h.feed(...ticks, tick({ ts: T0 + min(60), price: 1, source: 'clock' }));
  return new Map(h.candles.map((c) => [`${c.interval} ${c.windowStart}`, c]));
}

/** Reorders the ticks within each millisecond, keeping the order of the milliseconds. */
function shuffleWithinMillis(ticks: readonly Tick[], keys: readonly number[]): Tick[] {
  return ticks
    .map((t, i) => ({ t, k: keys[i % keys.length] ?? 0, i }))
    .sort((a, b) => a.t.ts - b.t.ts || a.k - b.k || a.i - b.i)
    .map(({ t }) => t);
}

const facts = (c: Candle | undefined) =>
  c && { high: c.high, low: c.low, trades: c.trades, volume: c.volume, vwap: c.vwap };

test('the order of same-millisecond trades changes no high, low, trades, volume or VWAP', () => {
  fc.assert(
    fc.property(trades, fc.array(fc.nat(), { minLength: 1, maxLength: 50 }), (ticks, keys) => {
      const inTimeOrder = shuffleWithinMillis(ticks, [0]);
      const reordered = shuffleWithinMillis(ticks, keys);
      const a = closed(inTimeOrder);
      const b = closed(reordered);
      assert.deepEqual([...b.keys()].sort(), [...a.keys()].sort());
      for (const [window, candle] of a) assert.deepEqual(facts(b.get(window)), facts(candle), window);
    }),
    { numRuns: 300 },
  );
});

test('a record delivered again changes nothing', () => {
  fc.assert(
    fc.property(trades, fc.array(fc.nat(), { minLength: 1, maxLength: 10 }), (ticks, picks) => {
      const ordered = shuffleWithinMillis(ticks, [0]);
      const again = [...ordered];
      for (const p of picks) {
        const original = ordered[p % ordered.length]!;
        // Right after a later tick of the same millisecond or at the end of it: still on time.
        const at = again.findLastIndex((t) => t.ts === original.ts);
        again.splice(at + 1, 0, { ...original });
      }
      assert.deepEqual([...closed(again).values()], [...closed(ordered).values()]);
    }),
    { numRuns: 300 },
  );
});
