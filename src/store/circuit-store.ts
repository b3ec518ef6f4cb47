import type { ErrorCode } from '../error-codes.js';
import { CircuitBreaker } from '../lib/circuit-breaker.js';
import type { Logger } from '../logger.js';
import { sinkCircuitOpen } from '../metrics/metrics.js';
import { StoreError, isOutage, storeUnavailable } from './store-errors.js';
import type { Store } from './store.js';

/**
 * The store's circuit: two outages in a row, from any caller, open it for 1 s; each failed trial doubles
 * that, up to 8 s. So a dead database gets one connection attempt per cool-down instead of one per
 * partition, relay, request and probe, and a database that is back is found within 8 s.
 */
export const STORE_CIRCUIT = { failuresToOpen: 2, openMs: 1_000, maxOpenMs: 8_000 } as const;

/**
 * A store behind a circuit breaker. Only outages (TF_STORE_UNAVAILABLE, TF_STORE_NO_SPACE) count as
 * failures: a query error or a fenced commit means the database answered. While the circuit is open every
 * call fails at once with TF_STORE_UNAVAILABLE naming the last outage, so callers back off as they do for
 * any outage, and /health says why and when the next trial goes out. Opening and closing are logged once.
 */
export class CircuitStore implements Store {
  readonly #circuit: CircuitBreaker;
  #lastOutage = '';

  constructor(
    private readonly inner: Store,
    private readonly logger: Logger,
    clock: () => number = Date.now,
  ) {
    this.#circuit = new CircuitBreaker(STORE_CIRCUIT, clock);
    sinkCircuitOpen.set({ sink: 'store' }, 0);
  }

  get kind(): Store['kind'] {
    return this.inner.kind;
  }

  async #guard<T>(call: () => Promise<T>): Promise<T> {
    if (!this.#circuit.allows()) {
      throw storeUnavailable(
        `circuit open after ${this.#lastOutage}; next trial in ${this.#circuit.retryInMs} ms`,
      );
    }
    let result: T;
    try {
      result = await call();
    } catch (err) {
      if (err instanceof StoreError && isOutage(err)) {
        this.#lastOutage = err.message;
        if (this.#circuit.failed()) {
          sinkCircuitOpen.set({ sink: 'store' }, 1);
          this.logger.warn(
            { code: 'TF_STORE_CIRCUIT_OPEN' satisfies ErrorCode, err },
            'store circuit open: calls fail at once, and one trial goes out per cool-down (1 s doubling to 8 s)',
          );
        }
      } else this.#closed();
      throw err;
    }
    this.#closed();
    return result;
  }

  #closed(): void {
    if (this.#circuit.succeeded()) {
      sinkCircuitOpen.set({ sink: 'store' }, 0);
      this.logger.info(
        { code: 'TF_STORE_CIRCUIT_OPEN' satisfies ErrorCode },
        'store circuit closed: the database answers again',
      );
    }
  }

  start(): Promise<void> {
    return this.inner.start();
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  health(): Promise<void> {
    return this.#guard(() => this.inner.health());
  }

  registerSymbols(symbols: Parameters<Store['registerSymbols']>[0]): Promise<void> {
    return this.#guard(() => this.inner.registerSymbols(symbols));
  }

  claimPartitions(...args: Parameters<Store['claimPartitions']>): ReturnType<Store['claimPartitions']> {
    return this.#guard(() => this.inner.claimPartitions(...args));
  }

  loadCheckpoints(...args: Parameters<Store['loadCheckpoints']>): ReturnType<Store['loadCheckpoints']> {
    return this.#guard(() => this.inner.loadCheckpoints(...args));
  }

  commit(...args: Parameters<Store['commit']>): ReturnType<Store['commit']> {
    return this.#guard(() => this.inner.commit(...args));
  }

  candles(...args: Parameters<Store['candles']>): ReturnType<Store['candles']> {
    return this.#guard(() => this.inner.candles(...args));
  }

  alerts(...args: Parameters<Store['alerts']>): ReturnType<Store['alerts']> {
    return this.#guard(() => this.inner.alerts(...args));
  }

  symbols(): ReturnType<Store['symbols']> {
    return this.#guard(() => this.inner.symbols());
  }

  claimOutbox(...args: Parameters<Store['claimOutbox']>): ReturnType<Store['claimOutbox']> {
    return this.#guard(() => this.inner.claimOutbox(...args));
  }

  pendingOutbox(...args: Parameters<Store['pendingOutbox']>): ReturnType<Store['pendingOutbox']> {
    return this.#guard(() => this.inner.pendingOutbox(...args));
  }

  markPublished(...args: Parameters<Store['markPublished']>): ReturnType<Store['markPublished']> {
    return this.#guard(() => this.inner.markPublished(...args));
  }
}
