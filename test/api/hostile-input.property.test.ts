import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { loadDashboardAssets } from '../../src/api/dashboard-assets.js';
import type { AddressInfo } from 'node:net';
import { type Api, MIN, T0, alert, candle, commit, startApi } from './harness.js';
import { rawRequest } from './raw-http.js';

/** What a hostile client tries: SQL and script injection, unicode, control and traversal characters. */
const HOSTILE = [
  "' OR '1'='1",
  "BTC'; DROP TABLE candles; --",
  'BTC" OR 1=1 --',
  '1; DELETE FROM alerts',
  '<script>alert(1)</script>',
  '${7*7}',
  '₿',
  '𝔅𝔗ℭ',
  'B\u0000TC',
  '\u202eCTB',
  '../../etc/passwd',
  '%252e%252e%252f',
] as const;

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
    ...HOSTILE,
  ),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
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
  fc.constantFrom('btc', 'BTC', '..', '%2e%2e', 'B'.repeat(300), ...HOSTILE),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
);
/** Paths to the static files, built from traversal pieces, encodings and names that exist elsewhere. */
const staticPaths = fc
  .array(
    fc.constantFrom(
      '..',
      '%2e%2e',
      '%252e%252e',
      '.%2e',
      '%2f',
      '%5c',
      '\\',
      '',
      '.',
      'etc',
      'passwd',
      'index.html',
      'app.js',
      'secret.env',
      'assets',
      'package.json',
      '%00',
      '~',
    ),
    { minLength: 1, maxLength: 6 },
  )
  .map((segments) => `/${segments.join('/')}`);

/** What the fuzzed requests must leave as it was. */
const SEEDED = {
  candles: [0, 1, 2].map((i) => candle({ symbol: 'BTC', windowStart: T0 + i * MIN, close: 100 + i })),
  alerts: [alert({ symbol: 'BTC', ts: T0 + MIN + 5_000 })],
};

/** The bundle's two files; `secret.env` lies beside them but is no file the page uses. */
const BUNDLE = ['<!doctype html><title>dash</title>', 'console.log(1);'] as const;
let api: Api;
let port: number;
let assets: string;
before(async () => {
  assets = await mkdtemp(join(tmpdir(), 'tickflow-hostile-'));
  await writeFile(join(assets, 'index.html'), BUNDLE[0]);
  await writeFile(join(assets, 'app.js'), BUNDLE[1]);
  await writeFile(join(assets, 'secret.env'), 'TOKEN=1');
  const dashboard = await loadDashboardAssets(assets);
  assert.ok(dashboard !== null);
  api = await startApi({ dashboard });
  await api.app.listen({ host: '127.0.0.1', port: 0 });
  port = (api.app.server.address() as AddressInfo).port;
  await commit(api.store, SEEDED.candles, SEEDED.alerts);
});
after(async () => {
  await api.close();
  await rm(assets, { recursive: true, force: true });
});

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

test('no path to the static files, sent as raw bytes, serves anything but the bundle’s own files, nor fails', async () => {
  await fc.assert(
    fc.asyncProperty(staticPaths, async (url) => {
      const res = await rawRequest(
        port,
        `GET ${url} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`,
      );
      assert.ok([200, 400, 404].includes(res.status), `${url} → ${res.status}`);
      assert.doesNotMatch(res.body, /TOKEN=1|root:x:0:0|"dependencies"/, `${url} leaked a file`);
      if (res.status === 200) {
        assert.ok((BUNDLE as readonly string[]).includes(res.body), `${url} served something else`);
      } else {
        assert.match((JSON.parse(res.body) as { error: { code: string } }).error.code, /^TF_/);
      }
    }),
    { numRuns: 300 },
  );
});

test('after all of the above (runs last), the database holds exactly what it held before', async () => {
  const candles = await api.store.candles({ symbol: 'BTC', interval: '1m', limit: 1_000 });
  assert.deepEqual(
    candles.map((c) => ({ ...c, closed: true })),
    SEEDED.candles.map((c) => ({ ...c, closed: true })),
  );
  assert.deepEqual(
    (await api.store.alerts({ symbol: 'BTC', limit: 1_000 })).map((a) => a.id),
    SEEDED.alerts.map((a) => a.id),
  );
  assert.deepEqual(
    (await api.store.symbols()).map((s) => s.symbol),
    ['BTC'],
  );
});
