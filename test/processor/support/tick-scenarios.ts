import fc from 'fast-check';

import { type Interval, intervalOf, parseIntervals } from '../../../src/domain/interval.js';
import type { Tick } from '../../../src/domain/tick.js';
import { durationMs, epochMs } from '../../../src/domain/time.js';
import { seededRandom } from '../../../src/lib/seeded-random.js';

// ---------------------------------------------------------------------------------------------------------
// Scenarios: per-symbol plans of ticks, turned into a log (shuffled within the bound, some late beyond it,
// duplicated, interleaved across symbols).
// ---------------------------------------------------------------------------------------------------------

export const SYMBOLS = ['BTC', 'ETH', 'SOL', 'ADA', 'XRP'] as const;
export const SOURCES = ['coingecko', 'binance'] as const;
export const PARTITIONS = 3;

/** Copies of an earlier tick of the same symbol, appended to the log right after a step's tick. */
export interface Copy {
  /** Which earlier tick: counted back from the newest, modulo the log length. */
  readonly back: number;
  readonly times: number;
  /**
   * Null for an exact copy (a duplicate); otherwise the same tick at this price with no size, which is a
   * duplicate only where the tick has a seq (the same record, delivered again with other contents).
   */
  readonly reprice: number | null;
}

/**
 * Moves a tick's event time up to the next boundary of one of the windows, offset by one of
 * `-1, 0, 1, bound - 1, bound, bound + 1`: where a window's last instant meets the watermark.
 */
export interface Align {
  readonly interval: number;
  readonly offset: number;
}

export interface Step {
  /** Event-time advance before this tick. */
  readonly gap: number;
  readonly align: Align | null;
  readonly price: number;
  readonly volume: number;
  /** Arrival delay within the bound, in thousandths of the bound. */
  readonly jitter: number;
  /** When not null the tick arrives `bound + 1 + lateBy` ms after its event time: late beyond the bound. */
  readonly lateBy: number | null;
  readonly source: 0 | 1;
  /**
   * Null for a tick without a sequence; otherwise how its unique sequence is spelled: consecutive trade
   * ids, ids with gaps, large ids, or text that is not a number.
   */
  readonly seq: number | null;
  readonly change24h: number | null;
  readonly copies: readonly Copy[];
}

export interface SymbolPlan {
  readonly offset: number;
  readonly partition: number;
  readonly steps: readonly Step[];
}

export interface Scenario {
  readonly intervals: readonly Interval[];
  readonly boundMs: number;
  readonly allowedLatenessMs: number;
  readonly epoch: number;
  /** Plan i is the plan of SYMBOLS[i]. */
  readonly plans: readonly SymbolPlan[];
  /** Seeds the interleaving of the symbols' logs. */
  readonly seed: number;
}

/** What an operator (and the oracle) is configured with. */
export type Settings = Pick<Scenario, 'intervals' | 'boundMs' | 'allowedLatenessMs'>;

export interface LogRecord {
  readonly partition: number;
  readonly tick: Tick;
}

export const DEFAULT_INTERVALS = ((): readonly Interval[] => {
  const parsed = parseIntervals('1m,5m,15m');
  if (typeof parsed === 'string') throw new Error(parsed);
  return parsed;
})();

export const defaultIntervals = fc.constant(DEFAULT_INTERVALS);

export const smallIntervals: fc.Arbitrary<readonly Interval[]> = fc
  .uniqueArray(
    fc.oneof(
      fc.integer({ min: 1, max: 120 }).map((s) => s * 1000),
      fc.integer({ min: 200, max: 90_000 }),
    ),
    { minLength: 1, maxLength: 4 },
  )
  .map((sizes) => [...sizes].sort((a, b) => a - b).map((ms) => intervalOf(durationMs(ms))));

export const price = fc.oneof(
  { weight: 6, arbitrary: fc.double({ min: 99, max: 101, noNaN: true }) },
  { weight: 1, arbitrary: fc.double({ min: 50, max: 200, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(100, 100.5) },
);

export const volume = fc.oneof(
  { weight: 3, arbitrary: fc.constant(0) },
  { weight: 5, arbitrary: fc.double({ min: 0.001, max: 10, noNaN: true }) },
  { weight: 1, arbitrary: fc.double({ min: 10, max: 1000, noNaN: true }) },
);

export const copy: fc.Arbitrary<Copy> = fc.record({
  back: fc.nat(20),
  times: fc.integer({ min: 1, max: 3 }),
  reprice: fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: price }),
});

export function stepArb(intervals: readonly Interval[]): fc.Arbitrary<Step> {
  const smallest = intervals[0]?.ms ?? 60_000;
  const largest = intervals[intervals.length - 1]?.ms ?? 60_000;
  return fc.record({
    gap: fc.oneof(
      { weight: 3, arbitrary: fc.constant(0) },
      { weight: 16, arbitrary: fc.integer({ min: 1, max: Math.max(1, Math.floor(smallest / 2)) }) },
      { weight: 1, arbitrary: fc.integer({ min: 0, max: 5 * largest }) },
    ),
    align: fc.oneof(
      { weight: 5, arbitrary: fc.constant(null) },
      { weight: 1, arbitrary: fc.record({ interval: fc.nat(), offset: fc.integer({ min: 0, max: 5 }) }) },
    ),
    price,
    volume,
    jitter: fc.integer({ min: 0, max: 1000 }),
    lateBy: fc.oneof(
      { weight: 16, arbitrary: fc.constant(null) },
      { weight: 1, arbitrary: fc.integer({ min: 0, max: 3 }) },
      { weight: 1, arbitrary: fc.integer({ min: 0, max: 2 * largest }) },
    ),
    source: fc.constantFrom(0 as const, 1 as const),
    seq: fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 3 })),
    change24h: fc.option(fc.double({ min: -50, max: 50, noNaN: true })),
    copies: fc.oneof(
      { weight: 6, arbitrary: fc.constant([]) },
      { weight: 1, arbitrary: fc.array(copy, { minLength: 1, maxLength: 3 }) },
    ),
  });
}

export function scenarioArb(
  intervalsArb: fc.Arbitrary<readonly Interval[]>,
  latenessArb: fc.Arbitrary<number> = fc.constant(0),
): fc.Arbitrary<Scenario> {
  return intervalsArb.chain((intervals) => {
    const smallest = intervals[0]?.ms ?? 60_000;
    const largest = intervals[intervals.length - 1]?.ms ?? 60_000;
    const plan: fc.Arbitrary<SymbolPlan> = fc.record({
      offset: fc.integer({ min: 0, max: 2 * largest }),
      partition: fc.integer({ min: 0, max: PARTITIONS - 1 }),
      steps: fc.array(stepArb(intervals), { maxLength: 80, size: 'max' }),
    });
    return fc.record({
      intervals: fc.constant(intervals),
      boundMs: fc.oneof(fc.constant(0), fc.constant(10_000), fc.integer({ min: 0, max: 2 * smallest })),
      allowedLatenessMs: latenessArb,
      epoch: fc.constantFrom(0, 1_700_000_000_000),
      plans: fc.array(plan, { minLength: 2, maxLength: SYMBOLS.length }),
      seed: fc.integer(),
    });
  });
}

/** Merges queues in a random order that keeps each queue's own order. */
export function interleave<T>(queues: readonly (readonly T[])[], random: () => number): T[] {
  const next = queues.map(() => 0);
  const live = queues.flatMap((q, i) => (q.length > 0 ? [i] : []));
  const out: T[] = [];
  while (live.length > 0) {
    const k = Math.floor(random() * live.length);
    const q = live[k]!;
    const queue = queues[q]!;
    out.push(queue[next[q]!]!);
    next[q]!++;
    if (next[q] === queue.length) live.splice(k, 1);
  }
  return out;
}

/** A tick's own sequence, unique within its symbol's plan (of fewer than 3,000 steps), in one of four spellings. */
function sequence(format: number, index: number): string {
  switch (format % 4) {
    case 0:
      return String(index);
    case 1:
      return String(10_000 + index * 3);
    case 2:
      return String(100_000_000_000_000 + index);
    default:
      return `t-${index}`;
  }
}

export function symbolLog(symbol: string, plan: SymbolPlan, s: Scenario): Tick[] {
  let ts = s.epoch + plan.offset;
  const offsets = [-1, 0, 1, s.boundMs - 1, s.boundMs, s.boundMs + 1];
  const arrivals = plan.steps.map((step, index) => {
    ts += step.gap;
    if (step.align !== null) {
      const size = s.intervals[step.align.interval % s.intervals.length]!.ms;
      const offset = offsets[step.align.offset]!;
      ts = Math.ceil((ts - offset) / size) * size + offset;
    }
    const delay =
      step.lateBy === null ? Math.floor((s.boundMs * step.jitter) / 1000) : s.boundMs + 1 + step.lateBy;
    const tick: Tick = {
      symbol,
      price: step.price,
      ts: epochMs(ts),
      receivedAt: epochMs(ts + delay),
      source: SOURCES[step.source],
      volume: step.volume,
      seq: step.seq === null ? null : sequence(step.seq, index),
      change24h: step.change24h,
      volume24h: null,
    };
    return { arrival: ts + delay, tick, copies: step.copies };
  });
  arrivals.sort((a, b) => a.arrival - b.arrival);
  const log: Tick[] = [];
  for (const { tick, copies } of arrivals) {
    log.push(tick);
    for (const c of copies) {
      const original = log[log.length - 1 - (c.back % log.length)]!;
      for (let i = 0; i < c.times; i++) {
        log.push(c.reprice === null ? { ...original } : { ...original, price: c.reprice, volume: 0 });
      }
    }
  }
  return log;
}

/** The per-symbol logs of a scenario, in plan order. */
export const symbolLogs = (s: Scenario): Tick[][] =>
  s.plans.map((plan, i) => symbolLog(SYMBOLS[i]!, plan, s));

export function buildLog(s: Scenario): LogRecord[] {
  const queues = symbolLogs(s).map((ticks, i) =>
    ticks.map((tick) => ({ partition: s.plans[i]!.partition, tick })),
  );
  return interleave(queues, seededRandom(s.seed));
}
