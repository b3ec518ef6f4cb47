import type { Candle } from '../domain/candle.js';
import type { Interval } from '../domain/interval.js';
import { epochMs } from '../domain/time.js';
import { NeumaierSum } from './neumaier-sum.js';

/**
 * AggregateFunction for OHLCV + trades + VWAP over one window. `open` is the first tick by event time and
 * `close` the last, with ties broken by log order (the earlier tick opens, the later one closes).
 */
export class OhlcvAccumulator {
  open: number;
  openTs: number;
  high: number;
  low: number;
  close: number;
  closeTs: number;
  /** Σ traded size, compensated: the same trades in any order give the same volume. */
  readonly volume = new NeumaierSum();
  /** Σ price × size, compensated, for VWAP. */
  readonly notional = new NeumaierSum();
  trades = 0;
  /** Whether the trigger has fired this window (it may still take late ticks within allowed lateness). */
  fired = false;

  constructor(
    readonly start: number,
    readonly end: number,
    price: number,
    ts: number,
  ) {
    this.open = price;
    this.openTs = ts;
    this.high = price;
    this.low = price;
    this.close = price;
    this.closeTs = ts;
  }

  add(price: number, ts: number, volume: number): void {
    if (ts < this.openTs) {
      this.open = price;
      this.openTs = ts;
    }
    if (ts >= this.closeTs) {
      this.close = price;
      this.closeTs = ts;
    }
    if (price > this.high) this.high = price;
    if (price < this.low) this.low = price;
    if (volume > 0) {
      this.volume.add(volume);
      this.notional.add(price * volume);
    }
    this.trades++;
  }

  toCandle(symbol: string, interval: Interval, closed: boolean): Candle {
    const volume = this.volume.value;
    return {
      symbol,
      interval: interval.name,
      windowStart: epochMs(this.start),
      windowEnd: epochMs(this.end),
      open: this.open,
      high: this.high,
      low: this.low,
      close: this.close,
      // Only sizes above 0 are added, so a sum of 0 means no tick carried one: the volume is unknown.
      volume: volume > 0 ? volume : null,
      trades: this.trades,
      vwap: volume > 0 ? this.notional.value / volume : null,
      closed,
    };
  }
}
