import type { Candle } from '../../src/domain/candle.js';
import type { Interval } from '../../src/domain/interval.js';
import type { Tick } from '../../src/domain/tick.js';
import { epochMs } from '../../src/domain/time.js';
import { exactSum } from '../support/exact-sum.js';

/**
 * A naive batch oracle for the window operator, written from the rules in ARCHITECTURE.md ("Semantics the
 * processor must get exactly right") and deliberately sharing no code with src/processor. It reads the
 * whole log at once, buckets every accepted tick by (symbol, interval, window start), and only then builds
 * the candles, so nothing here depends on when windows fire.
 */
export interface OracleOptions {
  readonly intervals: readonly Interval[];
  /** Bounded out-of-orderness: W = max(W, maxTs − bound − 1), per symbol, after every accepted tick. */
  readonly boundMs: number;
  /** How long a fired window keeps taking late ticks as updates; 0 (the default) drops them all. */
  readonly allowedLatenessMs?: number;
}

export interface OracleLate {
  readonly tick: Tick;
  readonly interval: string;
  readonly windowStart: number;
  readonly accepted: boolean;
}

export interface OracleEmission {
  readonly candle: Candle;
  /** False for a window's first candle, true for each re-emission caused by a late tick. */
  readonly update: boolean;
}

export interface OracleCounts {
  ticks: number;
  duplicates: number;
  lateTicks: number;
  droppedTicks: number;
  candles: number;
  candleUpdates: number;
}

export interface OracleResult {
  /** The final closed candle of every non-empty window, in no particular order. */
  readonly candles: Candle[];
  /** Every candle emission, in no particular order. With allowed lateness 0 it equals `candles`. */
  readonly emissions: OracleEmission[];
  /** The late-data side output, in log order (ticks), then interval order. */
  readonly late: OracleLate[];
  readonly counts: OracleCounts;
}

interface Clock {
  maxTs: number;
  watermark: number;
  /** Dedup keys of the ticks taken into the state. */
  readonly seen: Set<string>;
}

interface Entry {
  readonly tick: Tick;
  /** The window had already fired when this tick arrived (it came within allowed lateness). */
  readonly late: boolean;
}

interface Bucket {
  readonly symbol: string;
  readonly interval: Interval;
  readonly start: number;
  /** Accepted ticks, in log order. */
  readonly entries: Entry[];
}

/** OHLCV of `ticks` (log order): open/close by event time, ties broken by log order. */
function candleOf(bucket: Bucket, ticks: readonly Tick[]): Candle {
  const byTime = ticks
    .map((tick, order) => ({ tick, order }))
    .sort((a, b) => a.tick.ts - b.tick.ts || a.order - b.order);
  const first = byTime[0];
  const last = byTime[byTime.length - 1];
  if (first === undefined || last === undefined) throw new Error('oracle: empty window');
  // Sums exact, rounded once: the same trades in any order give the same volume and VWAP.
  const sized = ticks.filter((t) => t.volume > 0);
  const volume = exactSum(sized.map((t) => t.volume));
  const notional = exactSum(sized.map((t) => t.price * t.volume));
  return {
    symbol: bucket.symbol,
    interval: bucket.interval.name,
    windowStart: epochMs(bucket.start),
    windowEnd: epochMs(bucket.start + bucket.interval.ms),
    open: first.tick.price,
    high: Math.max(...ticks.map((t) => t.price)),
    low: Math.min(...ticks.map((t) => t.price)),
    close: last.tick.price,
    // No tick carried a size (all 0): the volume is unknown, not zero.
    volume: volume > 0 ? volume : null,
    trades: ticks.length,
    vwap: volume > 0 ? notional / volume : null,
    closed: true,
  };
}

/** The emissions of one window: its first candle, then one update per late tick it took. */
function emissionsOf(bucket: Bucket): OracleEmission[] {
  const { entries } = bucket;
  const upTo = (last: number): Tick[] => entries.filter((e, i) => !e.late || i <= last).map((e) => e.tick);
  const out: OracleEmission[] = [];
  if (entries.some((e) => !e.late)) out.push({ candle: candleOf(bucket, upTo(-1)), update: false });
  entries.forEach((e, i) => {
    if (e.late) out.push({ candle: candleOf(bucket, upTo(i)), update: out.length > 0 });
  });
  return out;
}

export function oracle(ticks: readonly Tick[], options: OracleOptions): OracleResult {
  const lateness = options.allowedLatenessMs ?? 0;
  const clocks = new Map<string, Clock>();
  const buckets = new Map<string, Bucket>();
  const late: OracleLate[] = [];
  const counts: OracleCounts = {
    ticks: 0,
    duplicates: 0,
    lateTicks: 0,
    droppedTicks: 0,
    candles: 0,
    candleUpdates: 0,
  };

  for (const tick of ticks) {
    counts.ticks++;
    let clock = clocks.get(tick.symbol);
    if (clock === undefined) {
      clock = { maxTs: -Infinity, watermark: -Infinity, seen: new Set() };
      clocks.set(tick.symbol, clock);
    }
    const w = clock.watermark;
    const places = options.intervals.map((interval) => {
      const start = tick.ts - (tick.ts % interval.ms);
      const lastInstant = start + interval.ms - 1;
      return { interval, start, late: lastInstant <= w, dropped: lastInstant + lateness <= w };
    });

    if (places.every((p) => p.dropped)) {
      counts.lateTicks++;
      counts.droppedTicks++;
      for (const p of places)
        late.push({ tick, interval: p.interval.name, windowStart: p.start, accepted: false });
      continue;
    }
    // The same observation delivered again: the same seq where the source numbers its records, else the
    // same time, price and size.
    const key = JSON.stringify(
      tick.seq === null
        ? [tick.source, tick.symbol, tick.ts, 'unsequenced', tick.price, tick.volume]
        : [tick.source, tick.symbol, 'seq', tick.seq],
    );
    if (clock.seen.has(key)) {
      counts.duplicates++;
      continue;
    }
    clock.seen.add(key);

    for (const p of places) {
      if (p.late) late.push({ tick, interval: p.interval.name, windowStart: p.start, accepted: !p.dropped });
      if (p.dropped) continue;
      const id = `${tick.symbol}|${p.interval.name}|${p.start}`;
      let bucket = buckets.get(id);
      if (bucket === undefined) {
        bucket = { symbol: tick.symbol, interval: p.interval, start: p.start, entries: [] };
        buckets.set(id, bucket);
      }
      bucket.entries.push({ tick, late: p.late });
    }
    if (places.some((p) => p.late)) counts.lateTicks++;

    clock.maxTs = Math.max(clock.maxTs, tick.ts);
    clock.watermark = Math.max(clock.watermark, clock.maxTs - options.boundMs - 1);
  }

  const candles: Candle[] = [];
  const emissions: OracleEmission[] = [];
  for (const bucket of buckets.values()) {
    candles.push(
      candleOf(
        bucket,
        bucket.entries.map((e) => e.tick),
      ),
    );
    for (const emission of emissionsOf(bucket)) {
      emissions.push(emission);
      if (emission.update) counts.candleUpdates++;
      else counts.candles++;
    }
  }
  return { candles, emissions, late, counts };
}
