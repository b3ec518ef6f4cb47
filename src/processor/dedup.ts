import type { Tick } from '../domain/tick.js';

/**
 * What identifies a tick for deduplication, besides its symbol and event time: its source and sequence,
 * and, for a tick without a sequence, its price and size. `price` is undefined only for a key restored
 * from a checkpoint written before price and size were part of the key: it matches any price and size.
 */
interface Key {
  readonly source: string;
  readonly seq: string | null;
  readonly price?: number | undefined;
  readonly volume?: number | undefined;
}

/**
 * A remembered key, as it is checkpointed: [event time, source, sequence], then price and size for a tick
 * without a sequence (null for one with). Checkpoints from before price and size were kept have three.
 */
export type DedupEntry =
  | [ts: number, source: string, seq: string | null, price: number | null, volume: number | null]
  | [ts: number, source: string, seq: string | null];

/** Whether `tick` is the observation `key` remembers, delivered again. */
function sameObservation(key: Key, tick: Tick): boolean {
  if (key.source !== tick.source || key.seq !== tick.seq) return false;
  if (tick.seq !== null || key.price === undefined) return true;
  return key.price === tick.price && key.volume === tick.volume;
}

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
 * late-data side output either way). A tick serves as its own key, so checking allocates nothing.
 */
export class Deduplicator {
  private times: number[] = [];
  private keys: Key[] = [];

  /** Returns true if the tick was seen before; otherwise remembers it. */
  check(tick: Tick): boolean {
    const { times, keys } = this;
    const ts = tick.ts;
    const n = times.length;
    if (n === 0 || ts > (times[n - 1] as number)) {
      times.push(ts);
      keys.push(tick);
      return false;
    }
    let i = this.firstAtOrAfter(ts);
    for (; i < n && times[i] === ts; i++) {
      if (sameObservation(keys[i] as Key, tick)) return true;
    }
    times.splice(i, 0, ts);
    keys.splice(i, 0, tick);
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
      if (price === undefined) return [ts, source, seq];
      return seq === null ? [ts, source, seq, price, volume ?? 0] : [ts, source, seq, null, null];
    });
  }

  static restore(entries: readonly DedupEntry[]): Deduplicator {
    const dedup = new Deduplicator();
    for (const [ts, source, seq, price, volume] of entries) {
      dedup.times.push(ts);
      dedup.keys.push(
        price === undefined ? { source, seq } : { source, seq, price: price ?? 0, volume: volume ?? 0 },
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
