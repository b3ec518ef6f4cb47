import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { averageAt, movingAverage } from '../../src/web/moving-average.js';

const bars = [10, 11, 12, 13, 14, 20].map((close, i) => ({ time: i * 60_000, close }));

describe('movingAverage', () => {
  test('one point per bar from the period-th on, each the mean of its own closes', () => {
    assert.deepEqual(movingAverage(bars, 3), [
      { time: 120_000, value: 11 }, // (10 + 11 + 12) / 3
      { time: 180_000, value: 12 }, // (11 + 12 + 13) / 3
      { time: 240_000, value: 13 }, // (12 + 13 + 14) / 3
      { time: 300_000, value: 47 / 3 }, // (13 + 14 + 20) / 3
    ]);
  });

  test('no points while there are fewer bars than the period', () => {
    assert.deepEqual(movingAverage(bars, 7), []);
    assert.deepEqual(movingAverage([], 1), []);
  });

  test('averageAt gives the point the full line has at that bar', () => {
    assert.deepEqual(averageAt(bars, 3, 6), { time: 300_000, value: 47 / 3 });
    assert.deepEqual(averageAt(bars, 6, 6), { time: 300_000, value: 80 / 6 });
  });
});
