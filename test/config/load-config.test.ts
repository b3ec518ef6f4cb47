import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../../src/config/load-config.js';
import { ConfigError } from '../../src/errors.js';

test('defaults give the documented processor settings', () => {
  const config = loadConfig({ env: {} });
  assert.deepEqual(
    config.processor.intervals.map((i) => i.name),
    ['1m', '5m', '15m'],
  );
  assert.equal(config.processor.outOfOrdernessMs, 10_000);
  assert.equal(config.processor.allowedLatenessMs, 0);
  assert.equal(config.processor.idleTimeoutMs, 60_000);
  assert.equal(config.processor.anomaly.cooldownMs, 300_000);
  assert.ok(Object.isFrozen(config.processor.anomaly.zscore));
});

test('flags win over env vars, which win over defaults', () => {
  const config = loadConfig({
    env: { TICKFLOW_INTERVALS: '30s', TICKFLOW_OUT_OF_ORDERNESS: '5s' },
    flags: { intervals: '1h' },
  });
  assert.deepEqual(
    config.processor.intervals.map((i) => i.name),
    ['1h'],
  );
  assert.equal(config.processor.outOfOrdernessMs, 5_000);
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
