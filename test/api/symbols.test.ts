import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { type Api, T0, candle, commit, startApi } from './harness.js';

describe('GET /api/v1/symbols', () => {
  let api: Api;
  before(async () => {
    api = await startApi({ flags: { symbols: 'ETH,BTC' } });
  });
  after(() => api.close());

  test('lists the configured symbols, in their order, when the store has none', async () => {
    const res = await api.app.inject({ url: '/api/v1/symbols' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { symbols: ['ETH', 'BTC'], complete: true });
  });

  test('adds the store’s other symbols, sorted, without repeats', async () => {
    await commit(
      api.store,
      ['SOL', 'ADA', 'BTC'].map((symbol) => candle({ symbol, windowStart: T0 })),
    );
    const res = await api.app.inject({ url: '/api/v1/symbols' });
    assert.deepEqual(res.json(), { symbols: ['ETH', 'BTC', 'ADA', 'SOL'], complete: true });
  });

  test('the configured symbols alone, marked incomplete, when the store is down (runs last)', async () => {
    await api.store.close();
    const res = await api.app.inject({ url: '/api/v1/symbols' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { symbols: ['ETH', 'BTC'], complete: false });
  });
});
