import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../../src/config/load-config.js';
import { processorOptions } from '../../src/pipeline/create-operator.js';

test('defaults give the documented processor settings', () => {
  const options = processorOptions(loadConfig({ env: {} }).settings);
  assert.deepEqual(
    options.intervals.map((i) => i.name),
    ['1m', '5m', '15m'],
  );
  assert.equal(options.outOfOrdernessMs, 10_000);
  assert.equal(options.allowedLatenessMs, 0);
  assert.equal(options.anomaly.cooldownMs, 300_000);
  assert.deepEqual(options.anomaly.zscore, { k: 3, window: 20, minSamples: 10 });
  assert.deepEqual(options.anomaly.rules, ['price_spike', 'zscore', 'volume_spike', 'stale_feed']);
});

test('a short z-score window lowers the samples needed to fit it', () => {
  const options = processorOptions(loadConfig({ env: { TICKFLOW_ZSCORE_WINDOW: '4' } }).settings);
  assert.deepEqual(options.anomaly.zscore, { k: 3, window: 4, minSamples: 4 });
});
