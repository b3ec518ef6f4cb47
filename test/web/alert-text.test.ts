import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AlertJson } from '../../src/domain/alert.js';
import { mergeAlerts, valueAgainstThreshold } from '../../src/web/alert-text.js';

const alert = (id: string, ts: number): AlertJson => ({
  id,
  symbol: 'BTC',
  interval: '1m',
  rule: 'price_spike',
  window_start: ts - 60_000,
  value: 0.02,
  threshold: 0.01,
  ts,
});

describe('alert text', () => {
  test('each rule shows its value against its threshold in its own unit', () => {
    assert.equal(
      valueAgainstThreshold({ rule: 'price_spike', value: 0.0234, threshold: 0.01 }),
      '+2.34% vs ±1.00%',
    );
    assert.equal(
      valueAgainstThreshold({ rule: 'price_spike', value: -0.015, threshold: 0.01 }),
      '-1.50% vs ±1.00%',
    );
    assert.equal(valueAgainstThreshold({ rule: 'zscore', value: -4.123, threshold: 3 }), '-4.12σ vs ±3.00σ');
    assert.equal(
      valueAgainstThreshold({ rule: 'volume_spike', value: 5.5, threshold: 3 }),
      '5.50× mean vs 3.00×',
    );
    assert.equal(
      valueAgainstThreshold({ rule: 'stale_feed', value: 210_000, threshold: 180_000 }),
      'no ticks for 3.5 min vs 3 min',
    );
  });

  test('merging keeps one entry per id, newest first, at most max', () => {
    const merged = mergeAlerts(
      [alert('a', 1), alert('b', 3)],
      [alert('c', 2), alert('b', 3), alert('d', 4)],
      3,
    );
    assert.deepEqual(
      merged.map((a) => a.id),
      ['d', 'b', 'c'],
    );
  });
});
