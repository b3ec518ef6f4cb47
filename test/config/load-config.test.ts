import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../../src/config/load-config.js';
import { ConfigError } from '../../src/errors.js';

test('flags win over env vars, which win over defaults', () => {
  const config = loadConfig({
    env: { TICKFLOW_INTERVALS: '30s', TICKFLOW_OUT_OF_ORDERNESS: '5s' },
    flags: { intervals: '1h' },
  });
  assert.deepEqual(
    config.settings.intervals.map((i) => i.name),
    ['1h'],
  );
  assert.equal(config.settings.outOfOrderness, 5_000);
  assert.ok(Object.isFrozen(config.settings.intervals), 'the config is deeply frozen');
});

test('every violation is reported at once, naming the flag or env var', () => {
  assert.throws(
    () =>
      loadConfig({
        env: { TICKFLOW_ZSCORE_K: 'abc', LOG_LEVEL: 'loud' },
        flags: { 'out-of-orderness': '-1s' },
      }),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.code, 'TF_CONFIG_INVALID');
      assert.equal(err.violations.length, 3);
      assert.match(err.message, /--out-of-orderness/);
      assert.match(err.message, /TICKFLOW_ZSCORE_K/);
      assert.match(err.message, /LOG_LEVEL: must be one of/);
      return true;
    },
  );
});

test('settings that only make sense together are checked together', () => {
  assert.throws(
    () => loadConfig({ env: { TICKFLOW_SOURCES: 'coingecko,file' } }),
    /--sources: the file source needs --file-input \(TICKFLOW_FILE_INPUT\)/,
  );
  assert.deepEqual(
    loadConfig({ env: { TICKFLOW_SOURCES: 'file', TICKFLOW_FILE_INPUT: 'ticks.jsonl' } }).settings.sources,
    ['file'],
  );
});

test('an empty value is a violation, not a quiet choice of the default; optional settings may be empty', () => {
  assert.throws(
    () => loadConfig({ env: { TICKFLOW_SOURCES: '', PORT: ' ' }, flags: { intervals: '' } }),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.deepEqual(err.violations, [
        'PORT: is empty; unset it to use the default (8000)',
        'TICKFLOW_SOURCES: is empty; unset it to use the default (coingecko)',
        '--intervals: is empty; unset it to use the default (1m,5m,15m)',
      ]);
      return true;
    },
  );
  const optional = loadConfig({ env: { COINGECKO_API_KEY: '', TICKFLOW_FILE_INPUT: '' } });
  assert.equal(optional.settings.coingeckoApiKey, '');
  const off = loadConfig({ env: { TICKFLOW_ALERT_RULES: 'none' }, flags: { 'cors-origins': 'none' } });
  assert.deepEqual(
    [off.settings.alertRules, off.settings.corsOrigins],
    [[], []],
    'lists switch off with none',
  );
});

test('HOST is checked with the rest of the config, before anything starts', () => {
  for (const host of ['127.0.0.1', '::1', '0.0.0.0', 'localhost', 'api-1.internal.example']) {
    assert.equal(loadConfig({ env: { HOST: host } }).settings.host, host);
  }
  const violation = (host: string) => {
    try {
      loadConfig({ env: { HOST: host } });
    } catch (err) {
      return err instanceof ConfigError ? err.violations[0] : String(err);
    }
    return 'accepted';
  };
  for (const host of ['not a host', 'http://localhost', '-bad.example', 'a..b', 'host_name']) {
    assert.equal(violation(host), `HOST: "${host}" is not an IP address or a host name`);
  }
  assert.equal(violation('999.1.1.1'), 'HOST: "999.1.1.1" is not a valid IPv4 address');
  assert.equal(violation('[::1]'), 'HOST: "[::1]": write an IPv6 address without brackets');
});

test('DATABASE_URL unset means PGlite; set, it must be a postgres URL; partition counts are positive integers', () => {
  assert.equal(loadConfig({ env: {}, flags: {} }).settings.databaseUrl, null);
  const url = 'postgres://tf:secret@db.example:5432/tickflow';
  assert.equal(loadConfig({ env: { DATABASE_URL: url }, flags: {} }).settings.databaseUrl, url);
  assert.throws(
    () =>
      loadConfig({
        env: { DATABASE_URL: 'mysql://db/tickflow', TICKFLOW_PRICES_PARTITIONS: '0' },
        flags: {},
      }),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /DATABASE_URL: must be a postgres: or postgresql: URL/);
      assert.match(err.message, /TICKFLOW_PRICES_PARTITIONS/);
      return true;
    },
  );
});

test('TICKFLOW_MAX_SYMBOLS is 10000 by default and a whole number of at least 1', () => {
  assert.equal(loadConfig({ env: {}, flags: {} }).settings.maxSymbols, 10_000);
  assert.equal(loadConfig({ env: { TICKFLOW_MAX_SYMBOLS: '25' }, flags: {} }).settings.maxSymbols, 25);
  for (const bad of ['0', '2.5', 'many']) {
    assert.throws(
      () => loadConfig({ env: { TICKFLOW_MAX_SYMBOLS: bad }, flags: {} }),
      (err: unknown) => err instanceof ConfigError && /TICKFLOW_MAX_SYMBOLS/.test(err.message),
      bad,
    );
  }
});
