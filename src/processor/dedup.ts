import type { Tick } from '../domain/tick.js';

/**
 * Deduplicates one symbol's ticks by (source, event time, source sequence): snapshot sources such as
 * CoinGecko repeat the same observation on every poll until it changes.
 *
 * Keys are kept only while a tick with that event time could still change a candle; older keys are
 * forgotten as the watermark passes them (a repeat of one of those is late, not a duplicate, and is
 * reported on the late-data side output either way).
 */
export class Deduplicator {
  /** Event time → key or keys seen at that instant, in insertion (log) order. */
  private readonly seen = new Map<number, string | string[]>();
  private cutoff = -Infinity;

  /** Returns true if the tick was seen before; otherwise remembers it. */
  check(tick: Tick): boolean {
    const key = tick.seq === null ? tick.source : `${tick.source}\u0000${tick.seq}`;
    const existing = this.seen.get(tick.ts);
    if (existing === undefined) {
      this.seen.set(tick.ts, key);
      return false;
    }
    if (typeof existing === 'string') {
      if (existing === key) return true;
      this.seen.set(tick.ts, [existing, key]);
      return false;
    }
    if (existing.includes(key)) return true;
    existing.push(key);
    return false;
  }

  /** Forgets keys with event time before `cutoff`. Cheap when the cutoff has not moved. */
  forgetBefore(cutoff: number): void {
    if (cutoff <= this.cutoff) return;
    this.cutoff = cutoff;
    for (const ts of this.seen.keys()) {
      if (ts >= cutoff) break;
      this.seen.delete(ts);
    }
  }

  get size(): number {
    return this.seen.size;
  }

  snapshot(): [number, string | string[]][] {
    return [...this.seen].map(([ts, keys]) => [ts, typeof keys === 'string' ? keys : [...keys]]);
  }

  static restore(entries: readonly (readonly [number, string | readonly string[]])[]): Deduplicator {
    const dedup = new Deduplicator();
    for (const [ts, keys] of entries) dedup.seen.set(ts, typeof keys === 'string' ? keys : [...keys]);
    return dedup;
  }
}
