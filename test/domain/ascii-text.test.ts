import assert from 'node:assert/strict';
import { test } from 'node:test';
import { asciiText, NameCache } from '../../src/domain/ascii-text.js';

const bytes = Buffer.from('{"seq":"12345678901234567890","x":"~ !"}');

test('asciiText reads every length byte for byte, the short ones and the long ones', () => {
  for (let from = 0; from < bytes.length; from++) {
    for (let to = from; to <= bytes.length; to++) {
      assert.equal(asciiText(bytes, from, to), bytes.toString('latin1', from, to), `${from}..${to}`);
    }
  }
});

test('a name cache gives the same string object for the same name, and the right name when two share a slot', () => {
  const names = new NameCache();
  const text = Buffer.from('BTC ETH SOL');
  const btc = names.get(text, 0, 3, 7);
  assert.equal(btc, 'BTC');
  assert.equal(names.get(text, 0, 3, 7), btc);
  // The same hash, so the same slot: each is checked byte for byte, never taken for the other.
  assert.equal(names.get(text, 4, 7, 7), 'ETH');
  assert.equal(names.get(text, 0, 3, 7), 'BTC');
  assert.equal(names.get(text, 8, 11, 7 + 512), 'SOL');
  assert.equal(names.get(text, 8, 10, 7), 'SO');
});
