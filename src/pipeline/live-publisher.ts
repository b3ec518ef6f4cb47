import type { ErrorCode } from '../error-codes.js';
import type { Cache, LatestPrice } from '../cache/cache.js';
import type { Alert } from '../domain/alert.js';
import { alertToJson } from '../domain/alert.js';
import type { Candle } from '../domain/candle.js';
import { candleToJson } from '../domain/candle.js';
import type { Tick } from '../domain/tick.js';
import { type BackoffPolicy, backoffDelay } from '../lib/backoff.js';
import { sleep } from '../lib/sleep.js';
import { sinkErrors, timedWrite } from '../metrics/metrics.js';
import { LatestPrices } from './latest-prices.js';
import type { ProblemCounter } from './problem-counter.js';
import { type PendingLookup, PublishBacklog, type PublishBatch } from './publish-backlog.js';

export interface LivePublisherOptions {
  /** TTL of `crypto:{SYMBOL}:latest`. */
  readonly ttlMs: number;
  readonly problems: ProblemCounter;
  /** Updates held while the cache is slow or away; beyond this the oldest are dropped. Default 10,000. */
  readonly maxBacklog?: number;
  /** Waits between rounds the cache refused. Default: full jitter from 100 ms, capped at 2 s. */
  readonly retry?: BackoffPolicy;
}

const DEFAULT_MAX_BACKLOG = 10_000;
const DEFAULT_RETRY: BackoffPolicy = { baseMs: 100, maxMs: 2_000 };
/** Updates sent per round; every pending latest price goes in each round. */
const ROUND_UPDATES = 1_000;
/** How long close() waits for the backlog to reach the cache. */
const CLOSE_DEADLINE_MS = 2_000;
const UNAVAILABLE: ErrorCode = 'TF_CACHE_UNAVAILABLE';
const BACKLOG_FULL: ErrorCode = 'TF_CACHE_BACKLOG_FULL';

/**
 * Publishes what the processor sees to the cache: the latest price per symbol (`crypto:{SYMBOL}:latest`)
 * and updates on `crypto:updates`. It is off the processor's critical path: every call only records the
 * work, synchronously, in a bounded backlog, and one background loop sends it. A slow, hung or absent cache
 * therefore never delays a commit, so history is written whatever the cache does; the outage is counted
 * and logged once, the backlog keeps the newest latest price per symbol and the newest updates, and the
 * loop retries with backoff. When the cache is back (or, like a restarted Redis, has lost its keys), every
 * latest price is set again from the newest state.
 *
 * A heartbeat or gap for a symbol this process has not seen a tick of (its partition just moved here)
 * takes the latest price the previous owner left in the cache, so the new owner keeps it alive or marks it
 * stale before its first tick.
 */
export class LivePublisher {
  readonly #cache: Cache;
  readonly #ttlMs: number;
  readonly #problems: ProblemCounter;
  readonly #retry: BackoffPolicy;
  readonly #prices = new LatestPrices();
  readonly #backlog: PublishBacklog;
  readonly #stopping = new AbortController();
  #wake: (() => void) | null = null;
  #loop: Promise<void> | null = null;
  #closing = false;
  #healthy = true;
  #reportedDrops = 0;
  #unsubscribe: () => void = () => undefined;

  constructor(cache: Cache, options: LivePublisherOptions) {
    this.#cache = cache;
    this.#ttlMs = options.ttlMs;
    this.#problems = options.problems;
    this.#retry = options.retry ?? DEFAULT_RETRY;
    this.#backlog = new PublishBacklog(options.maxBacklog ?? DEFAULT_MAX_BACKLOG);
  }

  /** Starts the loop that sends the backlog. Work recorded before start waits for it. */
  start(): void {
    if (this.#loop !== null) return;
    this.#unsubscribe = this.#cache.onRestored(() => {
      this.#refill();
    });
    this.#loop = this.#run();
  }

  /** The newest tick of each symbol in a batch: sets its latest price and publishes it. */
  ticks(newest: Iterable<Tick>): void {
    for (const tick of newest) {
      const latest = this.#prices.tick(tick);
      if (latest !== null) this.#setAndPublish(latest);
    }
    this.#woken();
  }

  /** A heartbeat keeps the latest price alive; a gap marks it stale until the next tick. */
  signal(symbol: string, stale: boolean): void {
    const effect = this.#prices.signal(symbol, stale);
    if (effect.kind === 'unknown') this.#backlog.lookup(symbol, stale);
    else if (effect.changed) this.#setAndPublish(effect.latest);
    else this.#backlog.setLatest(effect.latest);
    this.#woken();
  }

  candles(candles: readonly Candle[]): void {
    for (const c of candles) this.#backlog.publish({ type: 'candle', closed: c.closed, ...candleToJson(c) });
    this.#woken();
  }

  alerts(alerts: readonly Alert[]): void {
    for (const a of alerts) this.#backlog.publish({ type: 'alert', ...alertToJson(a) });
    this.#woken();
  }

  /** Updates waiting for the cache, and updates dropped because the backlog was full, since start. */
  get stats(): { readonly pending: number; readonly dropped: number } {
    return { pending: this.#backlog.pendingUpdates, dropped: this.#backlog.dropped };
  }

  /**
   * Sends what is pending, for at most 2 s, then stops the loop. A cache that refuses a round ends it at
   * once: shutdown never waits on an outage. Call it before closing the cache.
   */
  async close(): Promise<void> {
    this.#closing = true;
    this.#unsubscribe();
    this.#wake?.();
    if (this.#loop !== null) await Promise.race([this.#loop, sleep(CLOSE_DEADLINE_MS)]);
    this.#stopping.abort();
  }

  #setAndPublish(latest: LatestPrice): void {
    this.#backlog.setLatest(latest);
    this.#backlog.publish({ type: 'tick', ...latest });
  }

  /** After an outage the cache may hold nothing: set every latest price again. */
  #refill(): void {
    for (const latest of this.#prices.values()) this.#backlog.setLatest(latest);
    this.#wake?.();
  }

  #woken(): void {
    if (this.#backlog.dropped > this.#reportedDrops) {
      this.#problems.report(BACKLOG_FULL, 'the cache is behind; the oldest live updates are dropped', {
        dropped: this.#backlog.dropped - this.#reportedDrops,
      });
      this.#reportedDrops = this.#backlog.dropped;
    }
    this.#wake?.();
  }

  async #run(): Promise<void> {
    let attempt = 0;
    while (!this.#stopping.signal.aborted) {
      if (this.#backlog.empty) {
        if (this.#closing) return;
        await this.#idle();
        continue;
      }
      const batch = this.#backlog.take(ROUND_UPDATES);
      const failure = await this.#send(batch);
      if (failure === null) {
        attempt = 0;
        continue;
      }
      if (this.#closing) return;
      await sleep(backoffDelay(attempt++, this.#retry, Math.random), this.#stopping.signal);
    }
  }

  #idle(): Promise<void> {
    return new Promise((resolve) => {
      this.#wake = () => {
        this.#wake = null;
        resolve();
      };
    });
  }

  /** Sends one round; puts back what the cache refused. Returns the first failure, or null. */
  async #send(batch: PublishBatch): Promise<unknown> {
    // One connection carries these in order: the latest prices are set before their updates go out.
    const sets = batch.latest.map((latest) => this.#cache.setLatest(latest, this.#ttlMs));
    const publishes = batch.updates.map((update) => this.#cache.publish(update));
    const lookups = batch.lookups.map((lookup) => this.#lookup(lookup));
    const size = sets.length + publishes.length + lookups.length;
    const [setResults, publishResults, lookupResults] = await timedWrite('cache', size, () =>
      Promise.all([Promise.allSettled(sets), Promise.allSettled(publishes), Promise.allSettled(lookups)]),
    );
    const refused = <T>(items: readonly T[], results: readonly PromiseSettledResult<unknown>[]): T[] =>
      items.filter((_, i) => results[i]?.status === 'rejected');
    const failed: PublishBatch = {
      latest: refused(batch.latest, setResults),
      updates: refused(batch.updates, publishResults),
      lookups: refused(batch.lookups, lookupResults),
    };
    const failure = [...setResults, ...publishResults, ...lookupResults].find(
      (r): r is PromiseRejectedResult => r.status === 'rejected',
    );
    if (failure !== undefined) sinkErrors.inc({ sink: 'cache' });
    if (failure === undefined) {
      if (!this.#healthy) {
        this.#healthy = true;
        this.#problems.resolved(UNAVAILABLE, 'cache is back; live updates resume');
        this.#refill();
      }
      return null;
    }
    this.#backlog.restore(failed);
    this.#healthy = false;
    this.#problems.report(UNAVAILABLE, 'cannot publish to the cache; history is still written', {
      err: failure.reason,
      pending: this.#backlog.pendingUpdates,
    });
    return failure.reason;
  }

  /** Reads the previous owner's latest price of a symbol, and applies the signal that asked for it. */
  async #lookup({ symbol, stale }: PendingLookup): Promise<void> {
    const cached = await this.#cache.getLatest(symbol);
    if (cached === null || !this.#prices.adopt(cached)) return;
    const effect = this.#prices.signal(symbol, stale);
    if (effect.kind !== 'applied') return;
    if (effect.changed) this.#setAndPublish(effect.latest);
    else this.#backlog.setLatest(effect.latest);
  }
}
