import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { SeqRanges } from '../../src/processor/seq-ranges.js';

test('ranges join as the ids between them arrive, in any order', () => {
  const r = new SeqRanges();
  for (const id of [5, 7, 3, 9]) assert.equal(r.check(id, id * 10), false);
  assert.deepEqual(r.entries(), [
    [3, 3, 30],
    [5, 5, 50],
    [7, 7, 70],
    [9, 9, 90],
  ]);
  assert.equal(r.check(6, 1), false); // joins 5 and 7
  assert.equal(r.check(4, 1), false); // joins 3 and 5..7
  assert.equal(r.check(8, 1), false); // joins 3..7 and 9
  assert.deepEqual(r.entries(), [[3, 9, 90]]);
  for (let id = 3; id <= 9; id++) assert.equal(r.check(id, 0), true, `${id} again`);
  assert.equal(r.check(2, 5), false);
  assert.deepEqual(r.entries(), [[2, 9, 90]]);
});

test('an id is a duplicate exactly when it was seen before (against a Set)', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 60 }), { maxLength: 200 }), (ids) => {
      const r = new SeqRanges();
      const seen = new Set<number>();
      for (const id of ids) {
        assert.equal(r.check(id, 0), seen.has(id), `id ${id}`);
        seen.add(id);
      }
      const covered = r
        .entries()
        .flatMap(([lo, hi]) => Array.from({ length: hi - lo + 1 }, (_, i) => lo + i));
      assert.deepEqual(
        covered,
        [...seen].sort((a, b) => a - b),
        'disjoint, sorted, and exactly the ids',
      );
      for (const [[, hi], [lo]] of r
        .entries()
        .slice(0, -1)
        .map((e, i) => [e, r.entries()[i + 1]!] as const)) {
        assert.ok(lo > hi + 1, 'neighbouring ranges never touch');
      }
    }),
  );
});
