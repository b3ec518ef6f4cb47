import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type JumpEffect, type JumpOptions, PriceJumps } from '../../src/sources/price-jumps.js';

function effects(options: JumpOptions, rate: number, ticks: number, seed = 3): JumpEffect[] {
  const jumps = new PriceJumps(seed, rate, options);
  return Array.from({ length: ticks }, () => jumps.next());
}

const jumpTicks = (all: readonly JumpEffect[]): number[] => all.flatMap((e, i) => (e.price === 1 ? [] : [i]));

describe('price jumps', () => {
  for (const { rate, everyMs } of [
    { rate: 10, everyMs: 10_000 },
    { rate: 2, everyMs: 120_000 },
  ]) {
    test(`arrive once per ${everyMs / 1000} s on average at ${rate} ticks/s`, () => {
      // A jump per tick with chance p = 1 / (everyMs/1000 · rate), so n ticks hold a binomial count: n·p ± 5σ,
      // with n chosen for 20,000 jumps (a tolerance of 3.5 %).
      const p = 1000 / (everyMs * rate);
      const n = Math.round(20_000 / p);
      const jumps = new PriceJumps(3, rate, { everyMs, size: 0.02 });
      let count = 0;
      let first = -1;
      let last = -1;
      for (let i = 0; i < n; i++) {
        if (jumps.next().price === 1) continue;
        count++;
        if (first < 0) first = i;
        last = i;
      }
      const sigma = Math.sqrt(n * p * (1 - p));
      assert.ok(Math.abs(count - 20_000) <= 5 * sigma, `${count} jumps, expected 20,000 ± ${5 * sigma}`);
      // The gaps are geometric with mean 1/p ticks and about as large a standard deviation: ± 5σ/√count.
      const meanGapSeconds = (last - first) / (count - 1) / rate;
      const tolerance = (5 * everyMs) / 1000 / Math.sqrt(count);
      assert.ok(Math.abs(meanGapSeconds - everyMs / 1000) <= tolerance, `mean gap ${meanGapSeconds} s`);
    });
  }

  test('move the price by exactly the size, up or down about equally often', () => {
    const jumps = effects({ everyMs: 1_000, size: 0.02 }, 10, 20_000).filter((e) => e.price !== 1);
    assert.ok(jumps.every((e) => e.price === 0.98 || e.price === 1.02));
    const ups = jumps.filter((e) => e.price > 1).length;
    assert.ok(
      Math.abs(ups - jumps.length / 2) <= (5 * Math.sqrt(jumps.length)) / 2,
      `${ups} of ${jumps.length} up`,
    );
  });

  test('bring ten times the trade sizes for the 30 s from each jump on', () => {
    // At 10 ticks/s a tick trades heavily when a jump came in the 300 ticks up to and including it.
    const all = effects({ everyMs: 60_000, size: 0.02 }, 10, 100_000);
    const at = jumpTicks(all);
    assert.ok(at.length > 100, `${at.length} jumps`);
    all.forEach((e, i) => {
      const heavy = at.some((j) => j <= i && i < j + 300);
      assert.equal(e.volume, heavy ? 10 : 1, `tick ${i}`);
    });
  });

  test('0 turns them off', () => {
    assert.ok(effects({ everyMs: 0, size: 0.02 }, 2, 100_000).every((e) => e.price === 1 && e.volume === 1));
  });

  test('a mean gap shorter than a tick makes every tick jump, once', () => {
    assert.equal(jumpTicks(effects({ everyMs: 100, size: 0.02 }, 2, 1_000)).length, 1_000);
  });

  test('the same seed gives the same jumps, another seed others', () => {
    const options = { everyMs: 5_000, size: 0.02 };
    assert.deepEqual(effects(options, 10, 20_000, 1), effects(options, 10, 20_000, 1));
    assert.notDeepEqual(
      jumpTicks(effects(options, 10, 20_000, 1)),
      jumpTicks(effects(options, 10, 20_000, 2)),
    );
  });
});
