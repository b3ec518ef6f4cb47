import { DEFAULT_INTERVALS } from '../domain/interval.js';
import { field } from './field.js';
import {
  alertRulesParser,
  durationParser,
  enumParser,
  intervalsParser,
  numberParser,
  thresholdsParser,
} from './parsers.js';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/** Every setting tickflow reads, in the order `--help` lists them. */
export const SCHEMA = {
  intervals: field({
    env: 'TICKFLOW_INTERVALS',
    flag: 'intervals',
    default: DEFAULT_INTERVALS,
    doc: 'tumbling window sizes for candles',
    parse: intervalsParser,
  }),
  outOfOrderness: field({
    env: 'TICKFLOW_OUT_OF_ORDERNESS',
    flag: 'out-of-orderness',
    default: '10s',
    doc: 'how far behind its newest tick a tick may be and still be on time (per symbol)',
    parse: durationParser(0),
  }),
  allowedLateness: field({
    env: 'TICKFLOW_ALLOWED_LATENESS',
    flag: 'allowed-lateness',
    default: '0',
    doc: 'how long a closed candle still takes late ticks, re-emitted as an update',
    parse: durationParser(0),
  }),
  idleTimeout: field({
    env: 'TICKFLOW_IDLE_TIMEOUT',
    flag: 'idle-timeout',
    default: '60s',
    doc: "live mode: after this long without a tick, a symbol's clock follows the wall clock",
    parse: durationParser(1),
  }),
  alertRules: field({
    env: 'TICKFLOW_ALERT_RULES',
    flag: 'alert-rules',
    default: 'price_spike,zscore,volume_spike,stale_feed',
    doc: 'anomaly rules to run',
    parse: alertRulesParser,
  }),
  priceSpikeThresholds: field({
    env: 'TICKFLOW_PRICE_SPIKE_THRESHOLDS',
    flag: 'price-spike-thresholds',
    default: '1m:0.01,5m:0.02,15m:0.03',
    doc: 'price_spike: |close/previous close - 1| per interval (other sizes: nearest of these from below)',
    parse: thresholdsParser,
  }),
  zscoreK: field({
    env: 'TICKFLOW_ZSCORE_K',
    flag: 'zscore-k',
    default: '3',
    doc: 'zscore: alert on a return beyond this many standard deviations',
    parse: numberParser(0.1, 100),
  }),
  zscoreWindow: field({
    env: 'TICKFLOW_ZSCORE_WINDOW',
    flag: 'zscore-window',
    default: '20',
    doc: 'zscore: how many previous returns make the rolling window',
    parse: numberParser(2, 10_000, true),
  }),
  volumeSpikeFactor: field({
    env: 'TICKFLOW_VOLUME_SPIKE_FACTOR',
    flag: 'volume-spike-factor',
    default: '3',
    doc: 'volume_spike: alert when volume is this many times the rolling mean',
    parse: numberParser(1, 1_000_000),
  }),
  staleWindows: field({
    env: 'TICKFLOW_STALE_WINDOWS',
    flag: 'stale-windows',
    default: '3',
    doc: 'stale_feed: alert after this many interval lengths without a tick',
    parse: numberParser(1, 10_000, true),
  }),
  alertCooldown: field({
    env: 'TICKFLOW_ALERT_COOLDOWN',
    flag: 'alert-cooldown',
    default: '5m',
    doc: 'event-time quiet period per (symbol, rule, interval) after an alert',
    parse: durationParser(0),
  }),
  logLevel: field({
    env: 'LOG_LEVEL',
    flag: 'log-level',
    default: 'info',
    doc: 'log level',
    parse: enumParser(LOG_LEVELS),
  }),
} as const;

export type Schema = typeof SCHEMA;
export type SettingName = keyof Schema;
export type Settings = {
  readonly [K in SettingName]: Schema[K]['parse'] extends (raw: string) => infer R
    ? R extends { readonly value: infer V }
      ? V
      : never
    : never;
};
