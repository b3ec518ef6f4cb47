import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { seededRandom } from '../../src/lib/seeded-random.js';

const draws = (seed: number, n: number): number[] => {
  const random = seededRandom(seed);
  return Array.from({ length: n }, () => random());
};

describe('seededRandom (mulberry32)', () => {
  test('is mulberry32: the reference sequence for seed 42', () => {
    assert.deepEqual(draws(42, 3), [0.6011037519201636, 0.44829055899754167, 0.8524657934904099]);
  });

  test('the same seed gives the same sequence; another seed another one', () => {
    assert.deepEqual(draws(7, 100), draws(7, 100));
    assert.notDeepEqual(draws(7, 100), draws(8, 100));
  });

  test('draws lie in [0, 1) and spread over it', () => {
    const all = draws(1, 10_000);
    assert.ok(all.every((x) => x >= 0 && x < 1));
    const mean = all.reduce((a, b) => a + b, 0) / all.length;
    assert.ok(Math.abs(mean - 0.5) < 0.02, `mean ${mean}`);
  });
});
