import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { type Api, type ErrorJson, MIN, T0, candle, commit, latest, startApi } from './harness.js';

interface CandleItem {
  readonly window_start: number;
  readonly window_end: number;
  readonly open: number;
  readonly close: number;
  readonly volume: number | null;
  readonly vwap: number | null;
}
interface Body {
  readonly symbol: string;
  readonly interval: string;
  readonly candles: readonly CandleItem[];
}

const ONE_MINUTE = Array.from({ length: 12 }, (_, i) =>
  candle({ symbol: 'BTC', windowStart: T0 + i * MIN, open: 100 + i, close: 101 + i }),
);
const FIVE_MINUTES = [0, 1, 2].map((i) =>
  candle({ symbol: 'BTC', interval: '5m', windowStart: T0 + i * 5 * MIN, windowEnd: T0 + (i + 1) * 5 * MIN }),
);

// On the bare store and behind the CachedStore `tickflow start` puts in front of PGlite, whose shared
// results the route serializes once.
for (const cached of [false, true]) {
  describe(`GET /api/v1/historical/{symbol}${cached ? ' (cached store)' : ''}`, () => {
    let api: Api;
    const get = async (query: string, symbol = 'BTC') =>
      api.app.inject({ url: `/api/v1/historical/${symbol}${query}` });
    const starts = (body: Body): number[] => body.candles.map((c) => c.window_start);

    before(async () => {
      api = await startApi({ cached });
      await commit(api.store, [
        ...ONE_MINUTE,
        ...FIVE_MINUTES,
        candle({ symbol: 'ETH', windowStart: T0 }),
        candle({ symbol: 'SOL', windowStart: T0, vwap: null, volume: null }),
      ]);
    });
    after(() => api.close());

    test('answers closed candles oldest first, 1m by default, in the contract shape', async () => {
      const res = await get('');
      assert.equal(res.statusCode, 200);
      const body = res.json<Body>();
      assert.equal(body.symbol, 'BTC');
      assert.equal(body.interval, '1m');
      assert.deepEqual(
        starts(body),
        ONE_MINUTE.map((c) => c.windowStart),
      );
      assert.deepEqual(body.candles[0], {
        window_start: T0,
        window_end: T0 + MIN,
        open: 100,
        high: 110,
        low: 90,
        close: 101,
        volume: 2,
        trades: 3,
        vwap: 101.5,
      });
    });

    test('selects the interval, and an unknown volume and vwap stay null', async () => {
      const five = (await get('?interval=5m')).json<Body>();
      assert.equal(five.interval, '5m');
      assert.deepEqual(
        starts(five),
        FIVE_MINUTES.map((c) => c.windowStart),
      );
      const sol = (await get('?interval=1m', 'sol')).json<Body>();
      assert.equal(sol.symbol, 'SOL', 'a symbol only the store knows is served');
      const [first] = sol.candles;
      assert.deepEqual([first?.volume, first?.vwap], [null, null], 'unknown, not 0');
    });

    test('pages like CCXT: from inclusive + limit, next page from the last window_start + 1', async () => {
      const seen: number[] = [];
      let from = T0;
      for (let page = 0; page < 10; page++) {
        const body = (await get(`?interval=1m&from=${from}&limit=5`)).json<Body>();
        assert.ok(body.candles.length <= 5);
        if (body.candles.length === 0) break;
        seen.push(...starts(body));
        from = body.candles.at(-1)!.window_start + 1;
      }
      assert.deepEqual(
        seen,
        ONE_MINUTE.map((c) => c.windowStart),
        'every candle once, in order',
      );
    });

    test('from is inclusive and to exclusive on window_start', async () => {
      const body = (await get(`?from=${T0 + 3 * MIN}&to=${T0 + 6 * MIN}`)).json<Body>();
      assert.deepEqual(starts(body), [T0 + 3 * MIN, T0 + 4 * MIN, T0 + 5 * MIN]);
      const none = (await get(`?from=${T0 + 12 * MIN}`)).json<Body>();
      assert.deepEqual(none.candles, []);
    });

    test('without from: the newest limit candles (before to), still oldest first', async () => {
      assert.deepEqual(starts((await get('?limit=3')).json<Body>()), [
        T0 + 9 * MIN,
        T0 + 10 * MIN,
        T0 + 11 * MIN,
      ]);
      const before = (await get(`?to=${T0 + 5 * MIN}&limit=3`)).json<Body>();
      assert.deepEqual(starts(before), [T0 + 2 * MIN, T0 + 3 * MIN, T0 + 4 * MIN]);
      const page = (await get(`?from=${T0 + 5 * MIN}&limit=3`)).json<Body>();
      assert.deepEqual(starts(page), [T0 + 5 * MIN, T0 + 6 * MIN, T0 + 7 * MIN], 'from still pages forward');
    });

    test("the body is the schema's JSON byte for byte, the same on a repeat", async () => {
      const expected =
        '{"symbol":"SOL","interval":"1m","candles":[{"window_start":1699999200000,"window_end":1699999260000,' +
        '"open":100,"high":110,"low":90,"close":105,"volume":null,"trades":3,"vwap":null}]}';
      for (const round of ['first', 'repeat']) {
        const res = await get('', 'SOL');
        assert.equal(res.headers['content-type'], 'application/json; charset=utf-8', round);
        assert.equal(res.headers['content-length'], String(expected.length), round);
        assert.equal(res.body, expected, round);
      }
    });

    test('a commit shows at once: the newest limit moves on, and an updated candle is served updated', async () => {
      await commit(
        api.store,
        [0, 1].map((i) => candle({ symbol: 'XRP', windowStart: T0 + i * MIN })),
      );
      const closes = async (): Promise<[number, number][]> =>
        (await get('?limit=2', 'XRP')).json<Body>().candles.map((c) => [c.window_start, c.close]);
      assert.deepEqual(await closes(), [
        [T0, 105],
        [T0 + MIN, 105],
      ]);
      await commit(api.store, [candle({ symbol: 'XRP', windowStart: T0 + 2 * MIN, close: 107 })]);
      assert.deepEqual(await closes(), [
        [T0 + MIN, 105],
        [T0 + 2 * MIN, 107],
      ]);
      await commit(api.store, [candle({ symbol: 'XRP', windowStart: T0 + 2 * MIN, close: 108 })]);
      assert.deepEqual(await closes(), [
        [T0 + MIN, 105],
        [T0 + 2 * MIN, 108],
      ]);
    });

    test('limit bounds the page; 5000 is allowed', async () => {
      assert.deepEqual(starts((await get('?limit=1')).json<Body>()), [T0 + 11 * MIN], 'the newest one');
      assert.equal((await get('?limit=5000')).json<Body>().candles.length, 12);
    });

    const badRequests: [string, RegExp][] = [
      ['?interval=2m', /^interval must be one of 1m, 5m, 15m$/],
      ['?interval=', /^interval must be one of 1m, 5m, 15m$/],
      ['?limit=0', /^limit must be an integer from 1 to 5000$/],
      ['?limit=5001', /^limit must be an integer from 1 to 5000$/],
      ['?limit=1.5', /^limit must be an integer from 1 to 5000$/],
      ['?limit=ten', /^limit must be an integer from 1 to 5000$/],
      ['?limit=1e400', /^limit must be an integer from 1 to 5000$/],
      ['?limit=Infinity', /^limit must be an integer from 1 to 5000$/],
      ['?limit=1&limit=2', /^limit must be an integer from 1 to 5000$/],
      ['?from=yesterday', /^from must be integer epoch milliseconds$/],
      ['?from=-1', /^from must be integer epoch milliseconds$/],
      ['?from=1.5', /^from must be integer epoch milliseconds$/],
      ['?from=1e400', /^from must be integer epoch milliseconds$/],
      ['?to=soon', /^to must be integer epoch milliseconds$/],
      [`?from=${T0}&to=${T0}`, /^to must be greater than from$/],
      [`?from=${T0}&to=${T0 - 1}`, /^to must be greater than from$/],
    ];
    for (const [query, message] of badRequests) {
      test(`400 TF_INVALID_PARAM for ${query}`, async () => {
        const res = await get(query);
        assert.equal(res.statusCode, 400);
        const body = res.json<ErrorJson>();
        assert.equal(body.error.code, 'TF_INVALID_PARAM');
        assert.equal(body.error.statusCode, 400);
        assert.match(body.error.message, message);
      });
    }

    test('400 for a symbol that cannot be a ticker, 404 for an unknown one', async () => {
      const bad = await get('', 'BT%24C');
      assert.equal(bad.statusCode, 400);
      assert.match(bad.json<ErrorJson>().error.message, /^symbol must be/);
      const unknown = await get('', 'DOGE');
      assert.equal(unknown.statusCode, 404);
      assert.equal(unknown.json<ErrorJson>().error.code, 'TF_UNKNOWN_SYMBOL');
    });

    test('store down (runs last: closes the store): 503 + Retry-After; the cache still serves latest', async () => {
      await api.cache.setLatest(latest('BTC', 5), 45_000);
      await api.store.close();
      for (const url of [
        '/api/v1/historical/BTC',
        '/api/v1/historical/SOL',
        '/api/v1/alerts/BTC',
        '/api/v1/latest/SOL',
      ]) {
        const res = await api.app.inject({ url });
        assert.equal(res.statusCode, 503, url);
        assert.equal(res.headers['retry-after'], '5');
        const body = res.json<ErrorJson>();
        assert.equal(body.error.code, 'TF_STORE_UNAVAILABLE', url);
        assert.equal(body.error.statusCode, 503);
      }
      const symbols = await api.app.inject({ url: '/api/v1/symbols' });
      assert.deepEqual(symbols.json(), { symbols: ['BTC', 'ETH'], complete: false }, 'the configured ones');
      const live = await api.app.inject({ url: '/api/v1/latest/BTC' });
      assert.equal(live.statusCode, 200, 'a configured symbol never touches the store');
      assert.equal(live.json<{ price: number }>().price, 5);
    });
  });
}
