import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detached, StringTable } from '../../src/domain/string-table.js';

test('a table gives back each text it is asked for, before and after it is full', () => {
  const table = new StringTable(2);
  const chunk = '{"symbol":"BTC-PERPETUAL-2027"},{"symbol":"ETH"}';
  const names = [chunk.slice(11, 29), chunk.slice(43, 46), 'SOL', chunk.slice(11, 29), 'SOL', 'ETH'];
  assert.deepEqual(
    names.map((name) => table.intern(name)),
    ['BTC-PERPETUAL-2027', 'ETH', 'SOL', 'BTC-PERPETUAL-2027', 'SOL', 'ETH'],
  );
});

test('a detached copy equals its text, whatever the characters', () => {
  for (const text of ['', 'binance', 'Ünïcödé €', 'a'.repeat(100)]) assert.equal(detached(text), text);
});
