import type { AnomalyOptions } from './anomaly/anomaly-options.js';
import { SeriesState } from './anomaly/series-state.js';
import { Deduplicator } from './dedup.js';
import type { OhlcvAccumulator } from './ohlcv-aggregate.js';

/** One interval's windows for one symbol, sorted by start; the first `fired` of them have fired. */
export class Pane {
  windows: OhlcvAccumulator[] = [];
  fired = 0;
  /**
   * The window the last tick on time went to (null before one): most ticks go to it too. It may have fired
   * and been purged since; a tick is only added to it directly while it is open.
   */
  current: OhlcvAccumulator | null = null;

  constructor(readonly series: SeriesState) {}
}

/** Everything the operator keeps per symbol (Flink's keyed state). */
export class SymbolState {
  /** The newest event time seen; -Infinity before the first tick. */
  maxTs = -Infinity;
  /** The event-time clock W; never moves backwards. */
  watermark = -Infinity;
  /** Processing time of the last tick, for the live-mode idle advance. */
  lastArrival = -Infinity;
  /** Ticks earlier than this can no longer change any candle: every window they fall in is purged. */
  cutoff = -Infinity;
  /** The watermark at which `cutoff` next moves. */
  nextCutoffAt = -Infinity;
  /**
   * No watermark below this fires or purges a window or moves the cutoff, so moving the clock up to it is
   * only an assignment; -Infinity until the first advance works it out.
   */
  nextTimerAt = -Infinity;
  dedup = new Deduplicator();
  readonly panes: Pane[];

  constructor(
    readonly symbol: string,
    intervalCount: number,
    anomaly: AnomalyOptions,
    panes?: Pane[],
  ) {
    this.panes = panes ?? Array.from({ length: intervalCount }, () => new Pane(new SeriesState(anomaly)));
  }
}
