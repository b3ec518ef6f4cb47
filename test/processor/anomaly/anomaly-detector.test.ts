import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { harness, min, sec, T0, tick } from '../../support/operator-harness.js';

/** One tick per minute at the given prices (and volumes), then a flush. */
function minuteCloses(
  rules: Parameters<typeof harness>[0],
  prices: readonly number[],
  volumes: readonly number[] = [],
) {
  const h = harness({ intervals: '1m', ...rules });
  prices.forEach((price, i) => {
    h.feed(tick({ ts: T0 + min(i) + sec(30), price, volume: volumes[i] ?? 0 }));
  });
  h.op.flush();
  return h;
}

describe('price_spike', () => {
  test('fires when |close / previous close - 1| reaches the threshold, with a deterministic id', () => {
    const h = minuteCloses({ anomaly: { rules: ['price_spike'] } }, [100, 100.5, 102, 101]);
    assert.deepEqual(
      h.alerts.map((a) => [a.id, a.rule, a.windowStart, a.ts, a.threshold]),
      [[`BTC:1m:price_spike:${T0 + min(2)}`, 'price_spike', T0 + min(2), T0 + min(3), 0.01]],
    );
    assert.ok(Math.abs(h.alerts[0]!.value - (102 / 100.5 - 1)) < 1e-12);
  });

  test('the cooldown suppresses the same rule on the same series in event time', () => {
    const h = minuteCloses(
      { anomaly: { rules: ['price_spike'], cooldownMs: min(5) } },
      [100, 110, 100, 110, 100, 110, 100, 110],
    );
    assert.deepEqual(
      h.alerts.map((a) => (a.windowStart - T0) / 60_000),
      [1, 6],
    );
    assert.equal(h.op.stats.alertsSuppressed, 5);
  });

  test('thresholds are per interval', () => {
    const h = harness({
      intervals: '1m,5m',
      anomaly: { rules: ['price_spike'], priceSpikeThresholds: { '5m': 0.5 } },
    });
    h.feed(tick({ ts: T0, price: 100 }), tick({ ts: T0 + min(5), price: 115 }));
    h.op.flush();
    assert.deepEqual(
      h.alerts.map((a) => a.interval),
      ['1m'],
    );
  });
});

describe('zscore', () => {
  test('fires on a return far outside the rolling distribution, not before minSamples', () => {
    const prices = [100];
    for (let i = 1; i <= 12; i++) prices.push(prices[i - 1]! * (i % 2 === 0 ? 1.001 : 0.999));
    prices.push(prices[prices.length - 1]! * 1.009);
    const h = minuteCloses(
      { anomaly: { rules: ['zscore'], zscore: { window: 20, minSamples: 10, k: 3 } } },
      prices,
    );
    assert.equal(h.alerts.length, 1);
    assert.equal(h.alerts[0]!.windowStart, T0 + min(13));
    assert.ok(h.alerts[0]!.value > 3);
  });

  test('a flat series (zero deviation) never fires', () => {
    const h = minuteCloses({ anomaly: { rules: ['zscore'] } }, Array<number>(30).fill(5));
    assert.equal(h.alerts.length, 0);
  });
});

describe('volume_spike', () => {
  test('fires when volume is factor x the rolling mean', () => {
    const h = minuteCloses(
      { anomaly: { rules: ['volume_spike'] } },
      Array<number>(8).fill(1),
      [1, 1, 1, 1, 1, 1, 4, 1],
    );
    assert.deepEqual(
      h.alerts.map((a) => [(a.windowStart - T0) / 60_000, a.value]),
      [[6, 4]],
    );
  });
});

describe('stale_feed', () => {
  test('replay: a gap of stale-windows x interval on the event-time clock raises one alert', () => {
    const h = harness({ intervals: '1m', anomaly: { rules: ['stale_feed'] } });
    h.feed(
      tick({ ts: T0 }),
      tick({ ts: T0 + min(2) }),
      tick({ ts: T0 + min(10) }),
      tick({ ts: T0 + min(11) }),
    );
    h.op.flush();
    assert.deepEqual(
      h.alerts.map((a) => [a.rule, a.ts, a.threshold]),
      [['stale_feed', T0 + min(2) + min(3), min(3)]],
    );
    assert.equal(h.alerts[0]!.value, min(8) - sec(10) - 1);
  });

  test('the end of a bounded input is not a stale feed', () => {
    const h = harness({ intervals: '1m', anomaly: { rules: ['stale_feed'] } });
    h.feed(tick({ ts: T0 }));
    h.op.flush();
    assert.equal(h.alerts.length, 0);
  });
});
