import type { LatestPrice } from '../cache/cache.js';
import type { Tick } from '../domain/tick.js';

/** What a heartbeat or gap does to a symbol's latest price. */
export type SignalEffect =
  /** The latest price is kept alive (a heartbeat) or its stale flag flips (`changed`). */
  | { readonly kind: 'applied'; readonly latest: LatestPrice; readonly changed: boolean }
  /** This process has no latest price for the symbol yet: the cache may have one from its last owner. */
  | { readonly kind: 'unknown' };

/**
 * The newest price of each symbol this processor has seen, as `crypto:{SYMBOL}:latest` holds it. Pure and
 * synchronous: the LivePublisher decides what to send.
 */
export class LatestPrices {
  readonly #latest = new Map<string, LatestPrice>();

  /** The new latest price for a tick, or null when the tick is older than the latest one. */
  tick(tick: Tick): LatestPrice | null {
    const previous = this.#latest.get(tick.symbol);
    if (previous !== undefined && previous.ts > tick.ts) return null; // an out-of-order tick is not "latest"
    const latest: LatestPrice = {
      symbol: tick.symbol,
      price: tick.price,
      ts: tick.ts,
      source: tick.source,
      change_24h: tick.change24h ?? previous?.change_24h ?? null,
      volume_24h: tick.volume24h ?? previous?.volume_24h ?? null,
      stale: false,
    };
    this.#latest.set(tick.symbol, latest);
    return latest;
  }

  /** A heartbeat (`stale` false) keeps the latest price alive; a gap (`stale` true) marks it stale. */
  signal(symbol: string, stale: boolean): SignalEffect {
    const previous = this.#latest.get(symbol);
    if (previous === undefined) return { kind: 'unknown' };
    const latest = previous.stale === stale ? previous : { ...previous, stale };
    this.#latest.set(symbol, latest);
    return { kind: 'applied', latest, changed: latest !== previous };
  }

  /**
   * Takes the cache's latest price of a symbol this process has not seen a tick of (it was published by
   * the partition's previous owner). Returns false when a tick arrived meanwhile, which is newer.
   */
  adopt(latest: LatestPrice): boolean {
    if (this.#latest.has(latest.symbol)) return false;
    this.#latest.set(latest.symbol, latest);
    return true;
  }

  values(): IterableIterator<LatestPrice> {
    return this.#latest.values();
  }
}
