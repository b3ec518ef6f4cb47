import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { type Api, type ErrorJson, MIN, T0, alert, candle, commit, startApi } from './harness.js';

interface AlertItem {
  readonly id: string;
  readonly ts: number;
  readonly rule: string;
}
interface Body {
  readonly symbol: string;
  readonly alerts: readonly AlertItem[];
}

const ALERTS = [
  alert({ symbol: 'BTC', ts: T0 + 2 * MIN }),
  alert({ symbol: 'BTC', ts: T0 + 5 * MIN, rule: 'zscore', value: 3.4, threshold: 3 }),
  alert({ symbol: 'BTC', ts: T0 + 9 * MIN, interval: '5m', rule: 'volume_spike' }),
  alert({ symbol: 'ETH', ts: T0 + 3 * MIN }),
];

describe('GET /api/v1/alerts/{symbol}', () => {
  let api: Api;
  const get = (path: string) => api.app.inject({ url: `/api/v1/alerts/${path}` });

  before(async () => {
    api = await startApi();
    await commit(api.store, [candle({ symbol: 'SOL', windowStart: T0 })], ALERTS);
  });
  after(() => api.close());

  test('answers the symbol’s alerts, oldest first, in the contract shape', async () => {
    const res = await get('BTC');
    assert.equal(res.statusCode, 200);
    const body = res.json<Body>();
    assert.equal(body.symbol, 'BTC');
    assert.deepEqual(
      body.alerts.map((a) => a.id),
      ALERTS.slice(0, 3).map((a) => a.id),
    );
    const zscore = ALERTS[1]!;
    assert.deepEqual(body.alerts[1], {
      id: zscore.id,
      symbol: 'BTC',
      interval: '1m',
      rule: 'zscore',
      window_start: zscore.windowStart,
      value: 3.4,
      threshold: 3,
      ts: zscore.ts,
    });
  });

  test('since is inclusive and limit bounds the answer', async () => {
    const since = (await get(`btc?since=${T0 + 5 * MIN}`)).json<Body>();
    assert.deepEqual(
      since.alerts.map((a) => a.ts),
      [T0 + 5 * MIN, T0 + 9 * MIN],
    );
    const limited = (await get('BTC?limit=1')).json<Body>();
    assert.deepEqual(
      limited.alerts.map((a) => a.id),
      [ALERTS[0]!.id],
    );
  });

  test('a known symbol without alerts answers an empty list', async () => {
    for (const symbol of ['SOL', 'ETH']) {
      const res = await get(`${symbol}?since=${T0 + 4 * MIN}`);
      assert.equal(res.statusCode, 200);
      assert.deepEqual(res.json<Body>().alerts, []);
    }
  });

  const badRequests: [string, RegExp][] = [
    ['BTC?since=now', /^since must be integer epoch milliseconds$/],
    ['BTC?since=-5', /^since must be integer epoch milliseconds$/],
    ['BTC?since=Infinity', /^since must be integer epoch milliseconds$/],
    ['BTC?limit=0', /^limit must be an integer from 1 to 5000$/],
    ['BTC?limit=9999', /^limit must be an integer from 1 to 5000$/],
    ['B!TC', /^symbol must be a ticker/],
  ];
  for (const [path, message] of badRequests) {
    test(`400 TF_INVALID_PARAM for ${path}`, async () => {
      const res = await get(path);
      assert.equal(res.statusCode, 400);
      assert.equal(res.json<ErrorJson>().error.code, 'TF_INVALID_PARAM');
      assert.match(res.json<ErrorJson>().error.message, message);
    });
  }

  test('404 TF_UNKNOWN_SYMBOL for an unknown symbol', async () => {
    const res = await get('DOGE');
    assert.equal(res.statusCode, 404);
    assert.equal(res.json<ErrorJson>().error.code, 'TF_UNKNOWN_SYMBOL');
  });

  test('503 TF_STORE_UNAVAILABLE with Retry-After when the store is down (runs last)', async () => {
    await api.store.close();
    const res = await get('BTC');
    assert.equal(res.statusCode, 503);
    assert.equal(res.headers['retry-after'], '5');
    assert.equal(res.json<ErrorJson>().error.code, 'TF_STORE_UNAVAILABLE');
  });
});
