import type { Tick } from '../domain/tick.js';

/** What identifies a tick for deduplication, besides its symbol and event time. */
type Key = Pick<Tick, 'source' | 'seq'>;

/** A remembered key, as it is checkpointed: [event time, source, sequence]. */
export type DedupEntry = [ts: number, source: string, seq: string | null];

/**
 * Deduplicates one symbol's ticks by (source, event time, source sequence): snapshot sources such as
 * CoinGecko repeat the same observation on every poll until it changes.
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
      const key = keys[i] as Key;
      if (key.source === tick.source && key.seq === tick.seq) return true;
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
    return this.times.map((ts, i) => [ts, (this.keys[i] as Key).source, (this.keys[i] as Key).seq]);
  }

  static restore(entries: readonly DedupEntry[]): Deduplicator {
    const dedup = new Deduplicator();
    for (const [ts, source, seq] of entries) {
      dedup.times.push(ts);
      dedup.keys.push({ source, seq });
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
