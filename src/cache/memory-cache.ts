import { EventEmitter } from 'node:events';
import { TickflowError } from '../errors.js';
import type { Logger } from '../logger.js';
import { type Cache, type LatestPrice, type Update, UPDATES_CHANNEL, latestKey } from './cache.js';
import { cacheUnavailable } from './cache-errors.js';

export interface MemoryCacheOptions {
  readonly logger?: Logger;
  /** Wall clock for expiry; injectable for tests. */
  readonly now?: () => number;
  /** How often expired keys are swept (expiry is also checked on every read). Default 10 s. */
  readonly sweepIntervalMs?: number;
}

interface Entry {
  /** Stored as JSON, as Redis stores it: readers get their own copy. */
  readonly json: string;
  readonly expiresAt: number;
}

type Handler = (update: Update) => void;

const DEFAULT_SWEEP_MS = 10_000;

/**
 * The embedded cache: `crypto:{SYMBOL}:latest` keys with a TTL in a map, and the `crypto:updates` channel
 * on an event emitter. Values and messages travel as JSON text, so no reader or subscriber shares an
 * object with the writer or with each other. Delivery to subscribers is synchronous and in publish order;
 * a subscriber that throws is logged (once) and does not affect the publisher or other subscribers.
 * Usable before `start()`, which only starts the sweep timer; after `close()` every method rejects with
 * TF_CACHE_UNAVAILABLE.
 */
export class MemoryCache implements Cache {
  readonly kind = 'memory';
  readonly #entries = new Map<string, Entry>();
  readonly #emitter = new EventEmitter();
  readonly #now: () => number;
  readonly #sweepIntervalMs: number;
  readonly #logger: Logger | undefined;
  #sweeper: NodeJS.Timeout | undefined;
  #closed = false;
  #handlerFailures = 0;

  constructor(options: MemoryCacheOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#sweepIntervalMs = options.sweepIntervalMs ?? DEFAULT_SWEEP_MS;
    this.#logger = options.logger;
    this.#emitter.setMaxListeners(0);
  }

  start(): Promise<void> {
    return this.#open(() => {
      if (this.#sweeper !== undefined) return;
      this.#sweeper = setInterval(() => {
        this.sweep();
      }, this.#sweepIntervalMs);
      this.#sweeper.unref();
    });
  }

  setLatest(latest: LatestPrice, ttlMs: number): Promise<void> {
    return this.#open(() => {
      if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0) {
        throw new TickflowError('TF_CACHE_INVALID_TTL', `ttl must be a positive integer of ms, got ${ttlMs}`);
      }
      this.#entries.set(latestKey(latest.symbol), {
        json: JSON.stringify(latest),
        expiresAt: this.#now() + ttlMs,
      });
    });
  }

  getLatest(symbol: string): Promise<LatestPrice | null> {
    return this.#open(() => {
      const key = latestKey(symbol);
      const entry = this.#entries.get(key);
      if (entry === undefined) return null;
      if (entry.expiresAt <= this.#now()) {
        this.#entries.delete(key);
        return null;
      }
      return JSON.parse(entry.json) as LatestPrice;
    });
  }

  publish(update: Update): Promise<void> {
    return this.#open(() => {
      this.#emitter.emit(UPDATES_CHANNEL, JSON.stringify(update));
    });
  }

  subscribe(handler: Handler): Promise<() => Promise<void>> {
    return this.#open(() => {
      const listener = (json: string): void => {
        this.#deliver(handler, json);
      };
      this.#emitter.on(UPDATES_CHANNEL, listener);
      return () => {
        this.#emitter.off(UPDATES_CHANNEL, listener);
        return Promise.resolve();
      };
    });
  }

  /** The in-process cache is never lost, so it never calls `listener`. */
  onRestored(_listener: () => void): () => void {
    return () => undefined;
  }

  health(): Promise<void> {
    return this.#open(() => undefined);
  }

  close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#sweeper);
    this.#sweeper = undefined;
    this.#entries.clear();
    this.#emitter.removeAllListeners();
    return Promise.resolve();
  }

  /** Removes expired keys; returns how many. Runs on the sweep timer; public for tests and tools. */
  sweep(): number {
    const now = this.#now();
    let removed = 0;
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt <= now) {
        this.#entries.delete(key);
        removed++;
      }
    }
    return removed;
  }

  /** Handlers subscribed to `crypto:updates`. */
  get subscribers(): number {
    return this.#emitter.listenerCount(UPDATES_CHANNEL);
  }

  /** Keys held, expired or not (until read or swept). */
  get size(): number {
    return this.#entries.size;
  }

  #deliver(handler: Handler, json: string): void {
    try {
      handler(JSON.parse(json) as Update);
    } catch (err) {
      this.#handlerFailures++;
      if (this.#handlerFailures === 1) {
        this.#logger?.error({ err }, 'a crypto:updates subscriber threw; further failures are counted only');
      }
    }
  }

  /** Runs `fn` if the cache is open; every failure becomes a rejected promise, never a synchronous throw. */
  #open<T>(fn: () => T): Promise<T> {
    if (this.#closed) return Promise.reject(cacheUnavailable('the in-memory cache is closed'));
    try {
      return Promise.resolve(fn());
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }
}
