import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Tally } from '../../src/cache/tally.js';

test('a Tally reports the first failure and counts them all', () => {
  const reported: object[] = [];
  const tally = new Tally((detail) => reported.push(detail));
  tally.note({ n: 1 });
  tally.note({ n: 2 });
  tally.note({ n: 3 });
  assert.deepEqual(reported, [{ n: 1 }]);
  assert.equal(tally.count, 3);
});
