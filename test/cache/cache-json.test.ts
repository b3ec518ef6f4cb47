import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LatestPrice } from '../../src/cache/cache.js';
import { parseLatestPrice, parseUpdate } from '../../src/cache/cache-json.js';

const btc: LatestPrice = {
  symbol: 'BTC',
  price: 43_000,
  ts: 1_700_000_000_000,
  source: 'coingecko',
  change_24h: null,
  volume_24h: 12.5,
  stale: true,
};

test('parseLatestPrice returns a LatestPrice of the symbol asked for', () => {
  assert.deepEqual(parseLatestPrice(JSON.stringify(btc), 'BTC'), btc);
});

test('parseLatestPrice refuses text that is not JSON, not an object, or not a LatestPrice of that symbol', () => {
  const refused = [
    'not json',
    '',
    'null',
    '42',
    '[]',
    JSON.stringify(btc).slice(0, -1),
    JSON.stringify({ ...btc, symbol: 'ETH' }),
    JSON.stringify({ ...btc, price: '43000' }),
    JSON.stringify({ ...btc, price: null }),
    JSON.stringify({ ...btc, ts: undefined }),
    JSON.stringify({ ...btc, source: 1 }),
    JSON.stringify({ ...btc, change_24h: 'n/a' }),
    JSON.stringify({ ...btc, volume_24h: undefined }),
    JSON.stringify({ ...btc, stale: 'false' }),
  ];
  for (const json of refused) assert.equal(parseLatestPrice(json, 'BTC'), undefined, json);
});

test('parseUpdate accepts ticks, candles and alerts, and refuses anything else', () => {
  for (const type of ['tick', 'candle', 'alert']) {
    assert.deepEqual(parseUpdate(JSON.stringify({ type, symbol: 'BTC', x: 1 })), {
      type,
      symbol: 'BTC',
      x: 1,
    });
  }
  for (const json of [
    'nope',
    '[]',
    'null',
    '{"symbol":"BTC"}',
    '{"type":"tick"}',
    '{"type":"x","symbol":"BTC"}',
  ]) {
    assert.equal(parseUpdate(json), undefined, json);
  }
});
