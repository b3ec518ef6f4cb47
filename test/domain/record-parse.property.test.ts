import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { decodeTick, parseRecord, scanFlatRecord } from '../../src/domain/record-parse.js';
import { BOUND, jsonError, line, NOW, slowDecode } from '../support/tick-lines.js';

test('whatever the scanner accepts, JSON.parse reads the same (absent keys as undefined), to the sign of zero', () => {
  fc.assert(
    fc.property(line, (text) => {
      const fast = scanFlatRecord(text);
      if (fast === undefined) return;
      const slow = JSON.parse(text) as Record<string, unknown>;
      const read = fast as unknown as Record<string, unknown>;
      for (const k of Object.keys(slow))
        assert.ok(Object.hasOwn(read, k), `${k} is one of the keys it reads`);
      for (const k of Object.keys(read)) assert.ok(Object.is(read[k], slow[k]), `${k} in ${text}`);
    }),
    { numRuns: 20_000 },
  );
});

test('the fast path and JSON.parse plus the full validator agree on every line, malformed ones too', () => {
  fc.assert(
    fc.property(line, (text) => {
      assert.deepEqual(decodeTick(text, NOW, BOUND), slowDecode(text));
    }),
    { numRuns: 20_000 },
  );
});

test('the scanner takes the common shape, and leaves the rest to JSON.parse', () => {
  const common =
    '{"symbol":"BTC","price":43250.5,"ts":1700000000000,"volume":0.00012,"seq":"42","source":"binance"}';
  const read = scanFlatRecord(common) as unknown as Record<string, unknown>;
  assert.deepEqual(
    Object.fromEntries(Object.entries(read).filter(([, v]) => v !== undefined)),
    JSON.parse(common),
  );
  for (const other of [
    '{"symbol":"BTC", "price":1,"ts":1700000000000}', // whitespace
    '{"symbol":"B\\u0054C","price":1,"ts":1700000000000}', // an escape
    '{"symbol":"BTC","price":1e3,"ts":1700000000000}', // an exponent
    '{"symbol":"BTC","price":1.0000000000000002,"ts":1700000000000}', // 17 digits
    '{"symbol":"BTC","symbol":"ETH","price":1,"ts":1700000000000}', // a repeated key
    '{"symbol":"BTC","price":1,"ts":1700000000000,"note":"x"}', // a key tickflow does not write
  ]) {
    assert.equal(scanFlatRecord(other), undefined, other);
    assert.equal(parseRecord(other).ok, true, other);
  }
  // The scanner reads a text's bytes where an earlier, longer text was: what follows it is not part of it.
  assert.notEqual(scanFlatRecord('{"symbol":"BTC","price":1,"ts":1700000000000}'), undefined);
  assert.equal(scanFlatRecord('{"symbol":"BTC","price":1'), undefined);
  assert.equal(scanFlatRecord('{"symbol":"BTC","price":1,"ts":1700000000000}x'), undefined);
  assert.equal(parseRecord('{"symbol":"BTC","price":1').ok, false);
  assert.deepEqual(parseRecord('{"symbol":'), {
    ok: false,
    reason: `not valid JSON (${jsonError('{"symbol":')})`,
  });
});
