import assert from 'node:assert/strict';
import { test } from 'node:test';
import { preview } from '../../src/lib/preview.js';

test('preview keeps at most 100 characters of a value, as JSON', () => {
  assert.equal(preview('abc'), '"abc"');
  assert.equal(preview(undefined), 'undefined');
  assert.equal(preview({ a: [1, null] }), '{"a":[1,null]}');
  assert.equal(preview('y'.repeat(1_000)), `"${'y'.repeat(99)}…`);
});
