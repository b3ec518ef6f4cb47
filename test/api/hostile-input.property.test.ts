import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { type Api, startApi } from './harness.js';

/** Query values a hostile or careless client sends. */
const junk = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom(
    '',
    '-1',
    '0',
    '1e400',
    'Infinity',
    'NaN',
    '1.5',
    '0x10',
    '9'.repeat(40),
    '%00',
    '[]',
    '{"a":1}',
  ),
  fc.integer().map(String),
  fc.double().map(String),
);
const paths = fc.constantFrom(
  '/api/v1/historical/BTC',
  '/api/v1/alerts/BTC',
  '/api/v1/latest/BTC',
  '/api/v1/symbols',
);
const params = fc.dictionary(
  fc.constantFrom('interval', 'from', 'to', 'limit', 'since', 'symbol', 'x'),
  junk,
  {
    maxKeys: 4,
  },
);
const symbols = fc.oneof(
  fc.string({ maxLength: 50 }),
  fc.constantFrom('btc', 'BTC', '..', '%2e%2e', 'B'.repeat(300)),
);

let api: Api;
before(async () => {
  api = await startApi();
});
after(() => api.close());

test('no query string makes the API fail: every answer is 2xx, 400 or 404 with a JSON error body', async () => {
  await fc.assert(
    fc.asyncProperty(paths, params, async (path, query) => {
      const res = await api.app.inject({ method: 'GET', url: path, query });
      assert.ok(
        [200, 400, 404].includes(res.statusCode),
        `${path} ${JSON.stringify(query)} → ${res.statusCode}`,
      );
      const body = res.json<Record<string, unknown>>();
      if (res.statusCode >= 400) {
        const error = body['error'] as { code: string; message: string; statusCode: number };
        assert.equal(error.statusCode, res.statusCode);
        assert.ok(error.message.length > 0);
      }
    }),
    { numRuns: 300 },
  );
});

test('no symbol in the path makes the API fail', async () => {
  await fc.assert(
    fc.asyncProperty(symbols, fc.constantFrom('latest', 'historical', 'alerts'), async (symbol, route) => {
      const res = await api.app.inject({
        method: 'GET',
        url: `/api/v1/${route}/${encodeURIComponent(symbol)}`,
      });
      assert.ok([200, 400, 404, 414].includes(res.statusCode), `${route}/${symbol} → ${res.statusCode}`);
      if (res.statusCode >= 400) {
        const { error } = res.json<{ error: { code: string; statusCode: number } }>();
        assert.equal(error.statusCode, res.statusCode, `${route}/${symbol}: the error body has our format`);
        assert.match(error.code, /^TF_/);
      }
    }),
    { numRuns: 200 },
  );
});
