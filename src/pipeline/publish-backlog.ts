import type { LatestPrice, Update } from '../cache/cache.js';

/** A heartbeat or gap of a symbol whose latest price must first be read from the cache. */
export interface PendingLookup {
  readonly symbol: string;
  readonly stale: boolean;
}

/** One round of work for the cache. */
export interface PublishBatch {
  readonly latest: readonly LatestPrice[];
  readonly updates: readonly Update[];
  readonly lookups: readonly PendingLookup[];
}

/**
 * What the LivePublisher has yet to send, bounded so that a slow or absent cache costs a fixed amount of
 * memory. Latest prices are conflated per symbol (only the newest is worth setting); updates keep their
 * order, and beyond `maxUpdates` the oldest are dropped and counted (live updates are a view: history is
 * in the store either way).
 */
export class PublishBacklog {
  readonly #latest = new Map<string, LatestPrice>();
  readonly #lookups = new Map<string, boolean>();
  #updates: Update[] = [];
  #head = 0;
  /** Updates dropped because the backlog was full, since start. */
  dropped = 0;

  constructor(private readonly maxUpdates: number) {}

  setLatest(latest: LatestPrice): void {
    this.#latest.set(latest.symbol, latest);
    this.#lookups.delete(latest.symbol);
  }

  publish(update: Update): void {
    this.#updates.push(update);
    const excess = this.#updates.length - this.#head - this.maxUpdates;
    if (excess > 0) {
      this.#head += excess;
      this.dropped += excess;
    }
    if (this.#head > 1_024 && this.#head * 2 > this.#updates.length) {
      this.#updates = this.#updates.slice(this.#head);
      this.#head = 0;
    }
  }

  /** Remembers a signal for a symbol with no known latest price (the newest signal wins). */
  lookup(symbol: string, stale: boolean): void {
    this.#lookups.set(symbol, stale);
  }

  get empty(): boolean {
    return this.#latest.size === 0 && this.#lookups.size === 0 && this.#head === this.#updates.length;
  }

  /** Updates waiting. */
  get pendingUpdates(): number {
    return this.#updates.length - this.#head;
  }

  /** Everything pending latest prices and lookups, and up to `maxUpdates` updates in order. */
  take(maxUpdates: number): PublishBatch {
    const latest = [...this.#latest.values()];
    const lookups = [...this.#lookups].map(([symbol, stale]) => ({ symbol, stale }));
    this.#latest.clear();
    this.#lookups.clear();
    const end = Math.min(this.#updates.length, this.#head + maxUpdates);
    const updates = this.#updates.slice(this.#head, end);
    this.#head = end;
    if (this.#head === this.#updates.length) {
      this.#updates = [];
      this.#head = 0;
    }
    return { latest, updates, lookups };
  }

  /** Puts back a batch the cache refused, behind anything newer that arrived meanwhile. */
  restore(batch: PublishBatch): void {
    for (const latest of batch.latest) {
      if (!this.#latest.has(latest.symbol)) this.#latest.set(latest.symbol, latest);
    }
    for (const { symbol, stale } of batch.lookups) {
      if (!this.#lookups.has(symbol) && !this.#latest.has(symbol)) this.#lookups.set(symbol, stale);
    }
    const waiting = this.#updates.slice(this.#head);
    const room = Math.max(0, this.maxUpdates - waiting.length);
    const kept = batch.updates.slice(Math.max(0, batch.updates.length - room));
    this.dropped += batch.updates.length - kept.length;
    this.#updates = [...kept, ...waiting];
    this.#head = 0;
  }
}
