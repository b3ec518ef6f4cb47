import type { Tick } from '../domain/tick.js';
import { sleep as realSleep, type Sleep } from '../lib/sleep.js';
import type { Logger } from '../logger.js';
import { OutageLog } from './log-once.js';
import { LoopSource } from './loop-source.js';
import type { JumpOptions } from './price-jumps.js';
import { RandomWalk } from './random-walk.js';
import type { TickSink } from './source.js';

export interface SimulatedOptions {
  readonly symbols: readonly string[];
  /** Ticks per second per symbol. */
  readonly rate: number;
  readonly seed: number;
  /** Occasional price jumps and trading bursts, for the anomaly rules to find; none when absent. */
  readonly jumps?: JumpOptions;
  readonly logger: Logger;
  /** Event time of every tick, and the schedule. */
  readonly clock?: () => number;
  readonly sleep?: Sleep;
  /** Most ticks per symbol in one batch; a run that fell further behind skips ahead (default 10,000). */
  readonly maxBatch?: number;
}

/**
 * A seeded random walk for demos and load: `rate` ticks per second per symbol, each a geometric Brownian
 * motion step (and now and then a jump) with a random trade size as volume and, as `seq`, a counter from the start time in µs.
 * The event time is the injected clock. The first tick of each symbol is emitted at start.
 */
export class SimulatedSource extends LoopSource {
  private readonly outage: OutageLog;
  private readonly walks: readonly RandomWalk[];
  private readonly clock: () => number;

  constructor(private readonly options: SimulatedOptions) {
    super('simulated');
    this.clock = options.clock ?? Date.now;
    // A run's trade ids start from its start time in µs, above any id an earlier run (at most one trade a
    // µs) gave out: a restart on the same data directory brings new trades, never repeats of old ones.
    const firstSeq = Math.floor(this.clock()) * 1000 + 1;
    this.walks = options.symbols.map(
      (s) => new RandomWalk(s, options.seed, options.rate, options.jumps, firstSeq),
    );
    this.outage = new OutageLog(options.logger);
  }

  protected override async run(sink: TickSink): Promise<void> {
    const { rate, seed, jumps, maxBatch = 10_000 } = this.options;
    this.options.logger.info({ rate, seed, jumps }, 'simulating prices');
    const { signal } = this.controller;
    const period = Math.min(1000, Math.max(10, Math.floor(1000 / rate)));
    const started = this.clock();
    let produced = 0;
    while (!signal.aborted) {
      const now = this.clock();
      let due = Math.floor(((now - started) * rate) / 1000) + 1 - produced;
      if (due > maxBatch) {
        this.options.logger.warn({ skipped: due - maxBatch }, 'simulated source fell behind; skipping ahead');
        produced += due - maxBatch;
        due = maxBatch;
      }
      if (due > 0) {
        produced += due;
        await this.emit(sink, this.batch(due, now), now);
      }
      await (this.options.sleep ?? realSleep)(period, signal);
    }
  }

  private batch(perSymbol: number, at: number): Tick[] {
    const ticks: Tick[] = [];
    for (let i = 0; i < perSymbol; i++) for (const walk of this.walks) ticks.push(walk.next(at));
    return ticks;
  }

  private async emit(sink: TickSink, ticks: readonly Tick[], at: number): Promise<void> {
    try {
      await sink(ticks);
      this.tracker.succeeded(at);
      this.outage.recover('simulated ticks reach the log again');
    } catch (err) {
      this.tracker.down(err);
      this.tracker.gap();
      this.outage.fail('sink', err, 'could not hand simulated ticks to the log; they are dropped', 'error');
    }
  }
}
