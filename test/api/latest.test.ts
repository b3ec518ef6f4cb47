import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { type Api, type ErrorJson, T0, candle, commit, latest, startApi } from './harness.js';

describe('GET /api/v1/latest/{symbol}', () => {
  let api: Api;
  before(async () => {
    api = await startApi({ flags: { symbols: 'BTC,ETH,ADA' } });
  });
  after(() => api.close());

  test('answers the cached latest price with the contract fields only', async () => {
    await api.cache.setLatest({ ...latest('BTC', 43_210.5), extra: 'dropped' } as never, 45_000);
    const res = await api.app.inject({ url: '/api/v1/latest/BTC' });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /application\/json/);
    assert.deepEqual(res.json(), latest('BTC', 43_210.5));
  });

  test('is case-insensitive in the symbol', async () => {
    await api.cache.setLatest(latest('ETH', 2_000, { stale: true, change_24h: null }), 45_000);
    const res = await api.app.inject({ url: '/api/v1/latest/eth' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), latest('ETH', 2_000, { stale: true, change_24h: null }));
  });

  test('404 TF_UNKNOWN_SYMBOL for a symbol neither configured nor in the store', async () => {
    const res = await api.app.inject({ url: '/api/v1/latest/DOGE' });
    assert.equal(res.statusCode, 404);
    const body = res.json<ErrorJson>();
    assert.equal(body.error.code, 'TF_UNKNOWN_SYMBOL');
    assert.equal(body.error.statusCode, 404);
    assert.match(body.error.message, /DOGE/);
  });

  test('404 TF_NO_RECENT_PRICE for a known symbol without an unexpired price', async () => {
    await commit(api.store, [candle({ symbol: 'SOL', windowStart: T0 })]);
    for (const symbol of ['SOL', 'ADA']) {
      const res = await api.app.inject({ url: `/api/v1/latest/${symbol}` });
      assert.equal(res.statusCode, 404);
      const body = res.json<ErrorJson>();
      assert.equal(body.error.code, 'TF_NO_RECENT_PRICE', symbol);
      assert.match(body.error.message, /no recent price/);
    }
  });

  test('an expired price is not served', async () => {
    await api.cache.setLatest(latest('BTC', 1), 1);
    await new Promise((r) => setTimeout(r, 5));
    const res = await api.app.inject({ url: '/api/v1/latest/BTC' });
    assert.equal(res.statusCode, 404);
    assert.equal(res.json<ErrorJson>().error.code, 'TF_NO_RECENT_PRICE');
  });

  test('400 naming the parameter for a symbol that cannot be a ticker', async () => {
    for (const bad of ['B%20TC', '-BTC', 'A'.repeat(33), 'BTC$']) {
      const res = await api.app.inject({ url: `/api/v1/latest/${bad}` });
      assert.equal(res.statusCode, 400, bad);
      const body = res.json<ErrorJson>();
      assert.equal(body.error.code, 'TF_INVALID_PARAM');
      assert.match(body.error.message, /^symbol must be a ticker/);
    }
  });

  test('503 TF_CACHE_UNAVAILABLE with Retry-After when the cache is down (runs last: closes the cache)', async () => {
    await api.cache.close();
    const res = await api.app.inject({ url: '/api/v1/latest/BTC' });
    assert.equal(res.statusCode, 503);
    assert.equal(res.headers['retry-after'], '5');
    const body = res.json<ErrorJson>();
    assert.equal(body.error.code, 'TF_CACHE_UNAVAILABLE');
    assert.equal(body.error.statusCode, 503);
    assert.match(body.error.message, /cache unavailable/);
  });
});
