import type { Tick } from '../domain/tick.js';

/**
 * What identifies a tick for deduplication, besides its symbol and event time: its source and sequence,
 * and, for a tick without a sequence, its price and size. `price` is undefined only for a key restored
 * from a checkpoint written before price and size were part of the key: it matches any price and size.
 */
interface Key {
  readonly source: string;
  /** A canonical decimal trade id as a number (no string to keep), any other sequence as given. */
  readonly seq: number | string | null;
  readonly price: number | undefined;
  readonly volume: number | undefined;
}

/**
 * A remembered key, as it is checkpointed: [event time, source, sequence], then price and size for a tick
 * without a sequence (null for one with). Checkpoints from before price and size were kept have three.
 */
export type DedupEntry =
  | [ts: number, source: string, seq: string | null, price: number | null, volume: number | null]
  | [ts: number, source: string, seq: string | null];

/** Whether a tick with this compact sequence is the observation `key` remembers, delivered again. */
function sameObservation(key: Key, tick: Tick, seq: number | string | null): boolean {
  if (key.seq !== seq || key.source !== tick.source) return false;
  if (seq !== null || key.price === undefined) return true;
  return key.price === tick.price && key.volume === tick.volume;
}

/** "0" or a decimal of up to 15 digits without a leading zero, as a number; any other sequence as is. */
function compactSeq(seq: string | null): number | string | null {
  if (seq === null || seq.length === 0 || seq.length > 15) return seq;
  if (seq.length > 1 && seq.charCodeAt(0) === 48) return seq;
  for (let i = 0; i < seq.length; i++) {
    const c = seq.charCodeAt(i);
    if (c < 48 || c > 57) return seq;
  }
  return Number(seq);
}

/**
 * One copy of each source name. A tick's strings may be slices of the text it was read from, which a key
 * kept for minutes would keep alive whole.
 */
const sources = new Map<string, string>();
function internSource(source: string): string {
  const known = sources.get(source);
  if (known !== undefined) return known;
  if (sources.size >= 1_024) return source;
  const copy = Buffer.from(source, 'utf8').toString('utf8');
  sources.set(copy, copy);
  return copy;
}

const keyOf = (tick: Tick, seq: number | string | null): Key => ({
  source: internSource(tick.source),
  seq,
  price: seq === null ? tick.price : 0,
  volume: seq === null ? tick.volume : 0,
});

/**
 * Deduplicates one symbol's ticks. A duplicate is the same observation delivered again: where the source
 * numbers its records, the same source, event time and sequence; without a sequence, the same source,
 * event time, price and size. So snapshot sources such as CoinGecko, which repeat the same observation on
 * every poll until it changes, are deduplicated, and distinct trades that share a millisecond are not.
 *
 * Keys are kept sorted by event time in two parallel arrays, so the usual in-order tick is an append, an
 * out-of-order one a binary search among recent times, and forgetting is one cut at the front. They are
 * kept only while a tick with that event time could still change a candle; the operator forgets older ones
 * as the watermark passes them (a repeat of one of those is late, not a duplicate, and goes to the
 * late-data side output either way). A key holds numbers and a shared source name, never the tick: a
 * trade id that is a decimal number is kept as one.
 */
export class Deduplicator {
  private times: number[] = [];
  private keys: Key[] = [];

  /** Returns true if the tick was seen before; otherwise remembers it. */
  check(tick: Tick): boolean {
    const { times, keys } = this;
    const ts = tick.ts;
    const n = times.length;
    const seq = compactSeq(tick.seq);
    if (n === 0 || ts > (times[n - 1] as number)) {
      times.push(ts);
      keys.push(keyOf(tick, seq));
      return false;
    }
    let i = this.firstAtOrAfter(ts);
    for (; i < n && times[i] === ts; i++) {
      if (sameObservation(keys[i] as Key, tick, seq)) return true;
    }
    times.splice(i, 0, ts);
    keys.splice(i, 0, keyOf(tick, seq));
    return false;
  }

  /** Forgets keys with event time before `cutoff`. */
  forgetBefore(cutoff: number): void {
    const i = this.firstAtOrAfter(cutoff);
    if (i === 0) return;
    this.times = this.times.slice(i);
    this.keys = this.keys.slice(i);
  }

  snapshot(): DedupEntry[] {
    return this.times.map((ts, i): DedupEntry => {
      const { source, seq, price, volume } = this.keys[i] as Key;
      const text = seq === null ? null : String(seq);
      if (price === undefined) return [ts, source, text];
      return seq === null ? [ts, source, null, price, volume ?? 0] : [ts, source, text, null, null];
    });
  }

  static restore(entries: readonly DedupEntry[]): Deduplicator {
    const dedup = new Deduplicator();
    for (const [ts, source, seq, price, volume] of entries) {
      dedup.times.push(ts);
      const compact = compactSeq(seq);
      dedup.keys.push(
        price === undefined
          ? { source, seq: compact, price: undefined, volume: undefined }
          : { source, seq: compact, price: price ?? 0, volume: volume ?? 0 },
      );
    }
    return dedup;
  }

  /** Index of the first key at or after `ts` (binary search). */
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
