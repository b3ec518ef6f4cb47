import type { Tick } from '../domain/tick.js';
import { detached, StringTable } from '../domain/string-table.js';
import { SeqRanges } from './seq-ranges.js';

/**
 * A tick without a sequence, remembered: its source, price and size. `price` is undefined only for a key
 * restored from a checkpoint written before price and size were part of the key: it matches any price and
 * size at its time.
 */
interface Observation {
  readonly source: string;
  readonly price: number | undefined;
  readonly volume: number;
}

/**
 * A remembered key, as it is checkpointed:
 * - `[ts, source, null, price, size]`: a tick without a sequence;
 * - `[ts, source, seq, null, null]`: a tick whose sequence is not a decimal trade id;
 * - `['range', source, lo, hi, newest ts]`: the decimal trade ids `lo..hi` of a source;
 * - `[ts, source, seq]`: the form of checkpoints from before the above (a null seq matches any price).
 */
export type DedupEntry =
  | [ts: number, source: string, seq: string | null, price: number | null, volume: number | null]
  | [kind: 'range', source: string, lo: number, hi: number, newest: number]
  | [ts: number, source: string, seq: string | null];

/**
 * "0" or a decimal without a leading zero up to 2^53 − 1, as a number; null for any other text. Sixteen
 * digits are common: the simulated source numbers its trades from its start time in µs.
 */
function tradeId(seq: string): number | null {
  const n = seq.length;
  if (n === 0 || n > 16 || (n > 1 && seq.charCodeAt(0) === 48)) return null;
  let id = 0;
  for (let i = 0; i < n; i++) {
    const c = seq.charCodeAt(i);
    if (c < 48 || c > 57) return null;
    id = id * 10 + (c - 48); // exact while the result is; one past 2^53 − 1 is rejected below
  }
  return id <= Number.MAX_SAFE_INTEGER ? id : null;
}

/**
 * One copy of each source name. A tick's strings may be slices of the text it was read from, which a key
 * kept for minutes would keep alive whole.
 */
const sourceNames = new StringTable();
const internSource = (source: string): string => sourceNames.intern(source);

/**
 * Deduplicates one symbol's ticks. A duplicate is the same observation delivered again: where the source
 * numbers its records (`seq`), a tick of the same source with the same seq; without one, a tick of the
 * same source, event time, price and size. So snapshot sources such as CoinGecko, which repeat the same
 * observation on every poll until it changes, are deduplicated, and distinct trades that share a
 * millisecond are not.
 *
 * Decimal trade ids are kept as ranges per source (see SeqRanges); other sequences as a map per source.
 * Ticks without a sequence are kept sorted by event time in two parallel arrays, so the usual in-order
 * tick is an append, an out-of-order one a binary search among recent times. Everything is kept only while
 * a tick with that event time could still change a candle; the operator forgets older keys as the
 * watermark passes them (a repeat of one of those is late, not a duplicate, and goes to the late-data side
 * output either way). No key holds the tick itself.
 */
export class Deduplicator {
  private times: number[] = [];
  private observations: Observation[] = [];
  private readonly ranges = new Map<string, SeqRanges>();
  /** Per source: sequence → the event time it was seen at. */
  private readonly sequences = new Map<string, Map<string, number>>();
  private lastSource: string | null = null;
  private lastRanges: SeqRanges | null = null;

  /** Returns true if the tick was seen before; otherwise remembers it. */
  check(tick: Tick): boolean {
    return tick.seq === null
      ? this.checkObservation(tick)
      : this.checkSequence(tick.source, tick.seq, tick.ts);
  }

  /** Forgets keys with event time before `cutoff`. */
  forgetBefore(cutoff: number): void {
    for (const [source, ranges] of this.ranges) {
      ranges.forgetBefore(cutoff);
      if (ranges.size > 0) continue;
      this.ranges.delete(source);
      if (ranges === this.lastRanges) this.lastRanges = null;
    }
    for (const [source, seen] of this.sequences) {
      for (const [seq, ts] of seen) if (ts < cutoff) seen.delete(seq);
      if (seen.size === 0) this.sequences.delete(source);
    }
    const i = this.firstAtOrAfter(cutoff);
    if (i === 0) return;
    this.times = this.times.slice(i);
    this.observations = this.observations.slice(i);
  }

  snapshot(): DedupEntry[] {
    const entries: DedupEntry[] = this.times.map((ts, i): DedupEntry => {
      const { source, price, volume } = this.observations[i] as Observation;
      return price === undefined ? [ts, source, null] : [ts, source, null, price, volume];
    });
    for (const [source, ranges] of this.ranges) {
      for (const [lo, hi, newest] of ranges.entries()) entries.push(['range', source, lo, hi, newest]);
    }
    for (const [source, seen] of this.sequences) {
      for (const [seq, ts] of seen) entries.push([ts, source, seq, null, null]);
    }
    return entries;
  }

  static restore(entries: readonly DedupEntry[]): Deduplicator {
    const dedup = new Deduplicator();
    const observations: [number, Observation][] = [];
    for (const entry of entries) {
      if (entry[0] === 'range') {
        const [, source, lo, hi, newest] = entry;
        dedup.rangesOf(source).restore(lo, hi, newest);
        continue;
      }
      const [ts, source, seq, price, volume] = entry;
      if (seq !== null) {
        dedup.checkSequence(source, seq, ts);
        continue;
      }
      observations.push([ts, { source, price: price ?? undefined, volume: volume ?? 0 }]);
    }
    observations.sort((a, b) => a[0] - b[0]);
    dedup.times = observations.map(([ts]) => ts);
    dedup.observations = observations.map(([, o]) => o);
    return dedup;
  }

  private checkSequence(source: string, seq: string, ts: number): boolean {
    const id = tradeId(seq);
    if (id !== null) return this.rangesOf(source).check(id, ts);
    let seen = this.sequences.get(source);
    if (seen === undefined) {
      seen = new Map();
      this.sequences.set(internSource(source), seen);
    }
    if (seen.has(seq)) return true;
    seen.set(detached(seq), ts);
    return false;
  }

  private checkObservation(tick: Tick): boolean {
    const { times, observations } = this;
    const ts = tick.ts;
    const n = times.length;
    if (n === 0 || ts > (times[n - 1] as number)) {
      times.push(ts);
      observations.push(this.observe(tick));
      return false;
    }
    let i = this.firstAtOrAfter(ts);
    for (; i < n && times[i] === ts; i++) {
      const seen = observations[i] as Observation;
      if (
        seen.source === tick.source &&
        (seen.price === undefined || (seen.price === tick.price && seen.volume === tick.volume))
      ) {
        return true;
      }
    }
    times.splice(i, 0, ts);
    observations.splice(i, 0, this.observe(tick));
    return false;
  }

  private observe(tick: Tick): Observation {
    return { source: internSource(tick.source), price: tick.price, volume: tick.volume };
  }

  private rangesOf(source: string): SeqRanges {
    // A symbol's ticks nearly always come from one source: the last one found saves the lookup.
    if (source === this.lastSource && this.lastRanges !== null) return this.lastRanges;
    let ranges = this.ranges.get(source);
    if (ranges === undefined) {
      ranges = new SeqRanges();
      this.ranges.set(internSource(source), ranges);
    }
    this.lastSource = source;
    this.lastRanges = ranges;
    return ranges;
  }

  /** Index of the first observation at or after `ts` (binary search). */
  private firstAtOrAfter(ts: number): number {
    const { times } = this;
    let lo = 0;
    let hi = times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((times[mid] as number) < ts) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
