import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Tick } from '../../src/domain/tick.js';
import type { JumpOptions } from '../../src/sources/price-jumps.js';
import { RandomWalk } from '../../src/sources/random-walk.js';

function walk(ticks: number, jumps?: JumpOptions, symbol = 'BTC', rate = 2): Tick[] {
  const w = new RandomWalk(symbol, 1, rate, jumps);
  return Array.from({ length: ticks }, (_, i) => w.next(1_714_564_800_000 + i * (1000 / rate)));
}

describe('random walk', () => {
  test('without jumps it is the walk from before jumps existed', () => {
    // Pinned from the walk as it was before jumps were added (BTC, seed 1, 2 ticks/s).
    const before = walk(1_000);
    assert.deepEqual(
      [0, 1, 2, 999].map((i) => [before[i]!.price, before[i]!.volume]),
      [
        [65000.495, 0.03227911],
        [65001.034, 0.02728986],
        [64995.633, 0.00744377],
        [65305.721, 0.02016299],
      ],
    );
    assert.deepEqual(walk(1_000, { everyMs: 0, size: 0.02 }), before);
  });

  for (const symbol of ['BTC', 'ETH']) {
    test(`${symbol}: jumps are laid over the same walk, at the configured rate, with heavier trading after`, () => {
      // 20,000 ticks at 2/s with a jump every 10 s on average: a chance of 1/20 per tick, 1,000 ± 5σ jumps.
      const plain = walk(20_000, undefined, symbol);
      const jumpy = walk(20_000, { everyMs: 10_000, size: 0.02 }, symbol);
      const ratio = jumpy.map((t, i) => t.price / plain[i]!.price);
      const steps = ratio.map((r, i) => r / (ratio[i - 1] ?? 1));
      // Prices keep 8 significant digits, so the ratio of the two walks moves by ~1e-8 between jumps.
      const jumps = steps.flatMap((s, i) => (Math.abs(s - 1) < 1e-6 ? [] : [i]));
      for (const i of jumps)
        assert.ok(Math.abs(Math.abs(steps[i]! - 1) - 0.02) < 1e-6, `step ${i}: ${steps[i]}`);
      const sigma = Math.sqrt(20_000 * (1 / 20) * (19 / 20));
      assert.ok(Math.abs(jumps.length - 1_000) <= 5 * sigma, `${jumps.length} jumps`);
      // The trade's value in USD is ten times the plain walk's for the 60 ticks (30 s) from a jump on.
      jumpy.forEach((t, i) => {
        const notional = (t.volume * t.price) / (plain[i]!.volume * plain[i]!.price);
        const heavy = jumps.some((j) => j <= i && i < j + 60);
        assert.ok(Math.abs(notional / (heavy ? 10 : 1) - 1) < 1e-4, `tick ${i}: ${notional}`);
      });
      assert.deepEqual(
        jumpy.map((t) => t.seq),
        plain.map((t) => t.seq),
      );
    });
  }

  test('the same seed gives the same ticks, jumps included', () => {
    const options = { everyMs: 10_000, size: 0.02 };
    assert.deepEqual(walk(5_000, options), walk(5_000, options));
  });
});
