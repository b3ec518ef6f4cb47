import type { EpochMs } from './time.js';

export const ALERT_RULES = ['price_spike', 'zscore', 'volume_spike', 'stale_feed'] as const;
export type AlertRule = (typeof ALERT_RULES)[number];

/** An anomaly found on a symbol's closed candles or event-time clock. */
export interface Alert {
  /** Deterministic: the same anomaly always has the same id, so writing it twice is harmless. */
  readonly id: string;
  readonly symbol: string;
  readonly interval: string;
  readonly rule: AlertRule;
  readonly windowStart: EpochMs;
  /** What was measured (a return, a z-score, a volume ratio, a gap in ms). */
  readonly value: number;
  /** The threshold it crossed. */
  readonly threshold: number;
  /** Event time of the anomaly. */
  readonly ts: EpochMs;
}

export const alertId = (symbol: string, interval: string, rule: AlertRule, windowStart: EpochMs): string =>
  `${symbol}:${interval}:${rule}:${windowStart}`;

export interface AlertJson {
  readonly id: string;
  readonly symbol: string;
  readonly interval: string;
  readonly rule: AlertRule;
  readonly window_start: number;
  readonly value: number;
  readonly threshold: number;
  readonly ts: number;
}

export const alertToJson = (a: Alert): AlertJson => ({
  id: a.id,
  symbol: a.symbol,
  interval: a.interval,
  rule: a.rule,
  window_start: a.windowStart,
  value: a.value,
  threshold: a.threshold,
  ts: a.ts,
});
