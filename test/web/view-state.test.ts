import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { intervalMs, parseView, viewSearch } from '../../src/web/view-state.js';

describe('view state in the URL', () => {
  const symbols = ['BTC', 'ETH'];

  test('reads a known symbol (any case) and interval', () => {
    assert.deepEqual(parseView('?symbol=eth&interval=15m', symbols), { symbol: 'ETH', interval: '15m' });
  });

  test('falls back to the first symbol and 1m for anything else', () => {
    assert.deepEqual(parseView('', symbols), { symbol: 'BTC', interval: '1m' });
    assert.deepEqual(parseView('?symbol=DOGE&interval=2h', symbols), { symbol: 'BTC', interval: '1m' });
    assert.deepEqual(parseView('?symbol=%3Cscript%3E', []), { symbol: '', interval: '1m' });
  });

  test('writes the view and keeps other parameters; parse reads back what was written', () => {
    const search = viewSearch({ symbol: 'ETH', interval: '5m' }, '?theme=x&symbol=BTC');
    assert.equal(search, '?theme=x&symbol=ETH&interval=5m');
    assert.deepEqual(parseView(search, symbols), { symbol: 'ETH', interval: '5m' });
  });

  test('interval lengths', () => {
    assert.deepEqual([intervalMs('1m'), intervalMs('5m'), intervalMs('15m')], [60_000, 300_000, 900_000]);
  });
});
