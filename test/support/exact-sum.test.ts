import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exactSum } from './exact-sum.js';

test('exactSum rounds the exact total once', () => {
  assert.equal(exactSum([]), 0);
  assert.equal(exactSum([0.1, 0.2]), 0.30000000000000004, 'one rounding of the exact sum of the two doubles');
  assert.equal(exactSum([1e16, 1, -1e16]), 1, 'a plain sum gives 0');
  assert.equal(exactSum([1, 1e-20, -1]), 1e-20);
  assert.equal(exactSum([5e-324, 5e-324]), 1e-323, 'subnormals');
  assert.equal(exactSum([0.1, 0.2, 0.3]), 0.6, 'a plain sum from the left gives 0.6000000000000001');
});
