import type { EpochMs } from './time.js';

/** OHLCV for one symbol, one interval and one window `[windowStart, windowEnd)`. */
export interface Candle {
  readonly symbol: string;
  /** Interval name: `1m`, `5m`, `15m`. */
  readonly interval: string;
  readonly windowStart: EpochMs;
  readonly windowEnd: EpochMs;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  /**
   * Sum of the traded sizes the window's ticks carry; null (unknown) when none carries one, as with
   * snapshot sources: `trades` still counts the ticks.
   */
  readonly volume: number | null;
  /** Number of ticks in the window. */
  readonly trades: number;
  /** Volume-weighted average price, or null where the volume is unknown. */
  readonly vwap: number | null;
  /** False while the window is still open (an in-progress candle for live charts). */
  readonly closed: boolean;
}

/** The wire form of a closed candle: the replay output line and the REST history item. */
export interface CandleJson {
  readonly symbol: string;
  readonly interval: string;
  readonly window_start: number;
  readonly window_end: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number | null;
  readonly trades: number;
  readonly vwap: number | null;
}

export const candleToJson = (c: Candle): CandleJson => ({
  symbol: c.symbol,
  interval: c.interval,
  window_start: c.windowStart,
  window_end: c.windowEnd,
  open: c.open,
  high: c.high,
  low: c.low,
  close: c.close,
  volume: c.volume,
  trades: c.trades,
  vwap: c.vwap,
});
