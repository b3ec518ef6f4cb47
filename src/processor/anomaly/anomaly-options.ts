import type { AlertRule } from '../../domain/alert.js';
import type { Interval } from '../../domain/interval.js';

export interface AnomalyOptions {
  /** Rules that run; the others are skipped. */
  readonly rules: readonly AlertRule[];
  /** price_spike: |close / previous close − 1| ≥ threshold, per interval name. */
  readonly priceSpikeThresholds: Readonly<Record<string, number>>;
  /** zscore: a return beyond `k` σ of the previous `window` returns, once `minSamples` are known. */
  readonly zscore: { readonly window: number; readonly minSamples: number; readonly k: number };
  /** volume_spike: volume ≥ factor × the mean volume of the previous `window` candles. */
  readonly volumeSpike: { readonly window: number; readonly minSamples: number; readonly factor: number };
  /** stale_feed: no tick for `windows` × the interval, on the symbol's event-time clock. */
  readonly staleFeed: { readonly windows: number };
  /** Event-time quiet period per (symbol, rule, interval) after an alert. */
  readonly cooldownMs: number;
}

/** 1% at 1m, 2% at 5m, 3% at 15m; other sizes take the nearest of those from below. */
export function defaultPriceSpikeThreshold(interval: Interval): number {
  if (interval.ms < 5 * 60_000) return 0.01;
  if (interval.ms < 15 * 60_000) return 0.02;
  return 0.03;
}

export const DEFAULT_ANOMALY_OPTIONS: AnomalyOptions = {
  rules: ['price_spike', 'zscore', 'volume_spike', 'stale_feed'],
  priceSpikeThresholds: {},
  zscore: { window: 20, minSamples: 10, k: 3 },
  volumeSpike: { window: 20, minSamples: 5, factor: 3 },
  staleFeed: { windows: 3 },
  cooldownMs: 5 * 60_000,
};

export const priceSpikeThreshold = (options: AnomalyOptions, interval: Interval): number =>
  options.priceSpikeThresholds[interval.name] ?? defaultPriceSpikeThreshold(interval);
