import type { Candle } from '../domain/candle.js';
import type { Interval } from '../domain/interval.js';
import type { Tick } from '../domain/tick.js';
import { AnomalyDetector } from './anomaly/anomaly-detector.js';
import { OhlcvAccumulator } from './ohlcv-aggregate.js';
import type { ProcessorOptions } from './processor-options.js';
import { emptyStats, type ProcessorOutput, type ProcessorStats } from './processor-output.js';
import { type Pane, SymbolState } from './symbol-state.js';
import { firstLiveWindowStart, hasFired, isPurged } from './trigger.js';
import { boundedWatermark, idleWatermark } from './watermark-strategy.js';
import { assignWindowStart } from './window-assigner.js';

/**
 * The keyed event-time window operator (a KeyedProcessFunction keyed by symbol): tumbling windows per
 * interval, OHLCV aggregation, the late-data side output, deduplication and anomaly detection.
 *
 * It is synchronous and pure: outputs go to the injected `ProcessorOutput` as each call runs, and the only
 * notion of wall time is the injected clock, used for the live-mode idle advance.
 */
export class WindowOperator {
  readonly stats: ProcessorStats = emptyStats();
  private readonly symbols = new Map<string, SymbolState>();
  private readonly detector: AnomalyDetector;
  private readonly intervals: readonly Interval[];
  /** Window sizes by pane index, for the hot path. */
  private readonly sizes: readonly number[];
  private readonly bound: number;
  private readonly lateness: number;
  private readonly clock: (() => number) | null;
  /** The smallest clock gap that can raise stale_feed for any interval (∞ when the rule is off). */
  private readonly minStaleGap: number;

  constructor(
    readonly options: ProcessorOptions,
    private readonly output: ProcessorOutput,
  ) {
    this.intervals = options.intervals;
    this.sizes = options.intervals.map((i) => i.ms);
    this.bound = options.outOfOrdernessMs;
    this.lateness = options.allowedLatenessMs;
    this.clock = options.idle?.clock ?? null;
    const smallest = this.sizes[0] ?? Infinity;
    this.minStaleGap = options.anomaly.rules.includes('stale_feed')
      ? options.anomaly.staleFeed.windows * smallest
      : Infinity;
    this.detector = new AnomalyDetector(options.anomaly, this.stats, (alert) => {
      output.alert(alert);
    });
  }

  /** Processes one tick in log order. */
  process(tick: Tick): void {
    const state = this.stateFor(tick.symbol);
    this.stats.ticks++;
    if (this.clock !== null) state.lastArrival = this.clock();
    if (tick.ts < state.cutoff) {
      this.dropLate(tick);
      return;
    }
    if (state.dedup.check(tick)) {
      this.stats.duplicates++;
      return;
    }
    this.assign(state, tick);
    if (tick.ts > state.maxTs) {
      const previousMax = state.maxTs;
      state.maxTs = tick.ts;
      const watermark = boundedWatermark(tick.ts, this.bound);
      if (watermark <= state.watermark) return;
      if (watermark < state.nextTimerAt && watermark - previousMax < this.minStaleGap)
        state.watermark = watermark;
      else this.advance(state, watermark, previousMax, true);
    }
  }

  /**
   * Live mode: moves the clocks of symbols that have been idle for the idle timeout. A no-op in replay.
   * The caller decides how often; the operator never schedules anything.
   */
  onProcessingTime(): void {
    const idle = this.options.idle;
    if (idle === null) return;
    const now = idle.clock();
    for (const state of this.symbols.values()) {
      const watermark = idleWatermark(state.maxTs, state.lastArrival, now, idle.timeoutMs, this.bound);
      if (watermark > state.watermark) this.advance(state, watermark, state.maxTs, true);
    }
  }

  /** End of a bounded input: every clock goes to +∞ and every open window fires, in symbol order. */
  flush(): void {
    const names = [...this.symbols.keys()].sort();
    for (const name of names) {
      const state = this.symbols.get(name);
      if (state !== undefined) this.advance(state, Infinity, state.maxTs, false);
    }
  }

  /** The in-progress candles of a symbol (`closed: false`), one per interval that has an open window. */
  openCandles(symbol: string): Candle[] {
    const state = this.symbols.get(symbol);
    if (state === undefined) return [];
    const candles: Candle[] = [];
    state.panes.forEach((pane, i) => {
      const latest = pane.windows[pane.windows.length - 1];
      if (latest !== undefined && !latest.fired)
        candles.push(latest.toCandle(symbol, this.interval(i), false));
    });
    return candles;
  }

  /** Whether the operator holds state for a symbol (it has had a tick of it, or restored it). */
  tracks(symbol: string): boolean {
    return this.symbols.has(symbol);
  }

  /** How many symbols the operator holds state for. */
  get symbolCount(): number {
    return this.symbols.size;
  }

  /** The event-time clock of a symbol, or -Infinity if it has had no tick. */
  watermarkOf(symbol: string): number {
    return this.symbols.get(symbol)?.watermark ?? -Infinity;
  }

  /** The lowest event-time clock among the symbols with state (their partition's), or -Infinity. */
  lowestWatermark(): number {
    let lowest = Infinity;
    for (const state of this.symbols.values()) lowest = Math.min(lowest, state.watermark);
    return lowest === Infinity ? -Infinity : lowest;
  }

  /** Keyed state, for checkpoints: the states of the symbols `keep` accepts (all by default). */
  exportState(keep: (symbol: string) => boolean = () => true): SymbolState[] {
    return [...this.symbols.values()].filter((s) => keep(s.symbol));
  }

  /** Installs restored keyed state, replacing any state the operator had for those symbols. */
  importState(states: Iterable<SymbolState>, stats?: ProcessorStats): void {
    const now = this.options.idle?.clock() ?? -Infinity;
    for (const state of states) {
      // A restart is not silence: idle time counts from the restore, so a backlog is not made late.
      state.lastArrival = now;
      this.symbols.set(state.symbol, state);
    }
    if (stats !== undefined) Object.assign(this.stats, stats);
  }

  /** Drops the state of symbols whose partitions this operator no longer owns. */
  dropState(drop: (symbol: string) => boolean): void {
    for (const symbol of [...this.symbols.keys()]) if (drop(symbol)) this.symbols.delete(symbol);
  }

  private stateFor(symbol: string): SymbolState {
    let state = this.symbols.get(symbol);
    if (state === undefined) {
      state = new SymbolState(symbol, this.intervals.length, this.options.anomaly);
      this.symbols.set(symbol, state);
    }
    return state;
  }

  private interval(index: number): Interval {
    const interval = this.intervals[index];
    if (interval === undefined) throw new RangeError(`no interval #${index}`);
    return interval;
  }

  private dropLate(tick: Tick): void {
    this.stats.lateTicks++;
    this.stats.droppedTicks++;
    for (const interval of this.intervals) {
      const windowStart = assignWindowStart(tick.ts, interval.ms);
      this.output.late({ tick, interval: interval.name, windowStart, accepted: false });
    }
  }

  /** Adds the tick to its window in every interval, or to the late-data side output where it is late. */
  private assign(state: SymbolState, tick: Tick): void {
    const { ts } = tick;
    const watermark = state.watermark;
    let late = false;
    let accepted = false;
    for (let i = 0; i < state.panes.length; i++) {
      const pane = state.panes[i] as Pane;
      const size = this.sizes[i] as number;
      // Two comparisons where they suffice: the remainder of an event time (beyond 2^31) is a slow fmod.
      let current = pane.current;
      let start: number;
      if (current !== null && ts >= current.start && ts < current.end) {
        start = current.start;
      } else {
        start = assignWindowStart(ts, size);
        current = null;
      }
      const end = start + size;
      if (!hasFired(end, watermark)) {
        if (current === null) {
          current = this.windowFor(pane, start, end, tick, false);
          pane.current = current;
        }
        current.add(tick.price, ts, tick.volume);
        if (end - 1 < state.nextTimerAt) state.nextTimerAt = end - 1;
        accepted = true;
        continue;
      }
      late = true;
      const purged = isPurged(end, watermark, this.lateness);
      this.output.late({ tick, interval: this.interval(i).name, windowStart: start, accepted: !purged });
      if (purged) continue;
      accepted = true;
      const before = pane.windows.length;
      const window = this.windowFor(pane, start, end, tick, true);
      window.add(tick.price, ts, tick.volume);
      const update = pane.windows.length === before;
      if (update) this.stats.candleUpdates++;
      else this.stats.candles++;
      this.output.candle(window.toCandle(state.symbol, this.interval(i), true), update);
    }
    if (late) this.stats.lateTicks++;
    if (!accepted) this.stats.droppedTicks++;
  }

  /** Finds the window starting at `start`, creating it in start order if needed. */
  private windowFor(pane: Pane, start: number, end: number, tick: Tick, fired: boolean): OhlcvAccumulator {
    const { windows } = pane;
    let i = windows.length - 1;
    for (; i >= 0; i--) {
      const w = windows[i] as OhlcvAccumulator;
      if (w.start === start) return w;
      if (w.start < start) break;
    }
    const created = new OhlcvAccumulator(start, end, tick.price, tick.ts);
    created.fired = fired;
    windows.splice(i + 1, 0, created);
    if (fired) pane.fired++;
    return created;
  }

  /** Moves a symbol's clock to `watermark`: fires windows in end order, purges, checks for a stale feed. */
  private advance(state: SymbolState, watermark: number, lastEventTime: number, checkStale: boolean): void {
    state.watermark = watermark;
    const { panes } = state;
    for (;;) {
      let pick = -1;
      let pickEnd = Infinity;
      for (let i = 0; i < panes.length; i++) {
        const pane = panes[i] as Pane;
        const next = pane.windows[pane.fired];
        if (next !== undefined && hasFired(next.end, watermark) && next.end < pickEnd) {
          pick = i;
          pickEnd = next.end;
        }
      }
      if (pick < 0) break;
      this.fire(state, pick);
    }
    for (const pane of panes) {
      let front = pane.windows[0];
      while (front !== undefined && isPurged(front.end, watermark, this.lateness)) {
        pane.windows.shift();
        pane.fired--;
        front = pane.windows[0];
      }
    }
    if (watermark >= state.nextCutoffAt) this.moveCutoff(state);
    // Every live window starts at or after the cutoff, so none is purged before the cutoff moves.
    let nextTimerAt = state.nextCutoffAt;
    for (const pane of panes) {
      const next = pane.windows[pane.fired];
      if (next !== undefined) nextTimerAt = Math.min(nextTimerAt, next.end - 1);
    }
    state.nextTimerAt = nextTimerAt;
    if (checkStale && watermark - lastEventTime >= this.minStaleGap) {
      for (let i = 0; i < panes.length; i++) {
        this.detector.onClockAdvanced(
          (panes[i] as Pane).series,
          state.symbol,
          this.interval(i),
          lastEventTime,
          watermark,
        );
      }
    }
  }

  /**
   * Recomputes the instant before which ticks can change no candle, and forgets their dedup keys. It only
   * moves when the watermark purges the oldest live window of some interval, which is `nextCutoffAt`.
   */
  private moveCutoff(state: SymbolState): void {
    const watermark = state.watermark;
    let cutoff = Infinity;
    let nextAt = Infinity;
    for (const size of this.sizes) {
      const start = firstLiveWindowStart(size, watermark, this.lateness);
      cutoff = Math.min(cutoff, start);
      nextAt = Math.min(nextAt, start + size - 1 + this.lateness);
    }
    state.cutoff = cutoff;
    state.nextCutoffAt = nextAt;
    state.dedup.forgetBefore(cutoff);
  }

  private fire(state: SymbolState, index: number): void {
    const pane = state.panes[index] as Pane;
    const window = pane.windows[pane.fired] as OhlcvAccumulator;
    window.fired = true;
    pane.fired++;
    const interval = this.interval(index);
    const candle = window.toCandle(state.symbol, interval, true);
    this.stats.candles++;
    this.output.candle(candle, false);
    this.detector.onCandleClosed(pane.series, candle, interval);
  }
}
