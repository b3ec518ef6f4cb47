import type { Update } from '../../src/cache/cache.js';
import { MIN, T0, latest } from './harness.js';

/** Updates as the hub gets them from the cache: a tick, an in-progress or closed candle, an alert. */
export const tickOf = (symbol: string, price: number, source = 'coingecko'): Update => ({
  type: 'tick',
  ...latest(symbol, price, { source }),
});
export const candleOf = (symbol: string, interval: string, close: number, closed = false): Update => ({
  type: 'candle',
  closed,
  symbol,
  interval,
  window_start: T0,
  window_end: T0 + MIN,
  open: 1,
  high: 2,
  low: 0.5,
  close,
  volume: 0,
  trades: 1,
  vwap: null,
});
export const alertOf = (symbol: string): Update => ({
  type: 'alert',
  id: `${symbol}:1m:price_spike:${T0}`,
  symbol,
  interval: '1m',
  rule: 'price_spike',
  window_start: T0,
  value: 0.05,
  threshold: 0.01,
  ts: T0 + MIN,
});
