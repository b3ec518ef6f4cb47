import type { CandleJson } from '../domain/candle.js';

/** One bar of the chart: a candle of the shown symbol and interval, closed or still in progress. */
export interface Bar {
  /** `window_start`, epoch ms. */
  readonly time: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number | null;
  readonly closed: boolean;
}

/**
 * What a live candle did to the book. `last`: it is the newest bar, so the chart can `update()` it.
 * `redraw`: it changed an older bar, which `update()` must never be given, so the chart sets all its data
 * again. `none`: it repeated what the book had.
 */
export type LiveChange = 'last' | 'redraw' | 'none';

const toBar = (c: CandleJson, closed: boolean): Bar => ({
  time: c.window_start,
  open: c.open,
  high: c.high,
  low: c.low,
  close: c.close,
  volume: c.volume,
  closed,
});

const sameBar = (a: Bar, b: Bar): boolean =>
  a.open === b.open &&
  a.high === b.high &&
  a.low === b.low &&
  a.close === b.close &&
  a.volume === b.volume &&
  a.closed === b.closed;

/**
 * The bars of one symbol and interval in ascending time, one per window: closed history from the REST API
 * merged with live candles from the WebSocket. A closed bar is never replaced by an in-progress one.
 */
export class BarBook {
  #bars: Bar[] = [];

  bars(): readonly Bar[] {
    return this.#bars;
  }

  first(): Bar | undefined {
    return this.#bars[0];
  }

  last(): Bar | undefined {
    return this.#bars.at(-1);
  }

  /** Takes a fresh page of closed history and keeps what the book has beyond it. */
  setHistory(candles: readonly CandleJson[]): void {
    const merged = new Map<number, Bar>();
    for (const bar of this.#bars) merged.set(bar.time, bar);
    for (const c of candles) merged.set(c.window_start, toBar(c, true));
    this.#bars = [...merged.values()].sort((a, b) => a.time - b.time);
  }

  /** Adds the candles older than the first bar (a page loaded on scrolling left); returns how many. */
  prepend(candles: readonly CandleJson[]): number {
    const first = this.#bars[0]?.time ?? Infinity;
    const older = candles.filter((c) => c.window_start < first).map((c) => toBar(c, true));
    older.sort((a, b) => a.time - b.time);
    this.#bars = [...older, ...this.#bars];
    return older.length;
  }

  /** Applies a live candle. */
  live(candle: CandleJson, closed: boolean): LiveChange {
    const bar = toBar(candle, closed);
    const bars = this.#bars;
    const lastBar = bars.at(-1);
    if (lastBar === undefined || bar.time > lastBar.time) {
      bars.push(bar);
      return 'last';
    }
    const i = this.#indexOf(bar.time);
    const existing = bars[i];
    if (existing?.time === bar.time) {
      if ((existing.closed && !closed) || sameBar(existing, bar)) return 'none';
      bars[i] = bar;
    } else {
      bars.splice(i, 0, bar);
    }
    return i === bars.length - 1 ? 'last' : 'redraw';
  }

  /** True when no bar carries a traded size: the source gives none, so volume is unknown, not zero. */
  volumeUnknown(): boolean {
    return this.#bars.every((b) => b.volume === null);
  }

  /** The index of the first bar at or after `time` (binary search). */
  #indexOf(time: number): number {
    let lo = 0;
    let hi = this.#bars.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.#bars[mid]?.time ?? Infinity) < time) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
