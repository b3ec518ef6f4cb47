import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { backoffDelay } from '../../src/lib/backoff.js';
import { seededRandom } from '../../src/lib/seeded-random.js';

const policy = { baseMs: 100, maxMs: 1000 };

describe('backoffDelay (full jitter)', () => {
  test('draws from [0, min(max, base · 2^attempt)) and never outside it', () => {
    const random = seededRandom(42);
    for (let attempt = 0; attempt < 8; attempt++) {
      const ceiling = Math.min(1000, 100 * 2 ** attempt);
      const draws = Array.from({ length: 500 }, () => backoffDelay(attempt, policy, random));
      assert.ok(
        draws.every((d) => Number.isInteger(d) && d >= 0 && d < ceiling),
        `attempt ${attempt}`,
      );
      assert.ok(Math.max(...draws) > ceiling * 0.9, 'the whole range is used (jitter, not a fixed delay)');
      assert.ok(Math.min(...draws) < ceiling * 0.1);
    }
  });

  test('the ends of the random range map to 0 and just under the ceiling', () => {
    assert.equal(
      backoffDelay(0, policy, () => 0),
      0,
    );
    assert.equal(
      backoffDelay(2, policy, () => 0.999999),
      399,
    );
    assert.equal(
      backoffDelay(50, policy, () => 0.5),
      500,
      'capped at maxMs, no overflow',
    );
  });
});
