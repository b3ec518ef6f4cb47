import type { LatestPrice, Update } from '../domain/live-update.js';

/** Key and channel names kept from the original design. */
export const latestKey = (symbol: string): string => `crypto:${symbol}:latest`;
export const UPDATES_CHANNEL = 'crypto:updates';

export type { LatestPrice, Update } from '../domain/live-update.js';

export interface Cache {
  readonly kind: 'memory' | 'redis';
  start(): Promise<void>;
  /** `SET crypto:{SYMBOL}:latest <json> PX ttl`. */
  setLatest(latest: LatestPrice, ttlMs: number): Promise<void>;
  getLatest(symbol: string): Promise<LatestPrice | null>;
  /** `PUBLISH crypto:updates <json>`. */
  publish(update: Update): Promise<void>;
  /** Subscribes to `crypto:updates`; returns the unsubscribe function. */
  subscribe(handler: (update: Update) => void): Promise<() => Promise<void>>;
  /**
   * Calls `listener` each time the cache is reachable again after it was lost (a restarted Redis holds
   * none of the keys it had); returns the function that removes it. The in-process cache is never lost.
   */
  onRestored(listener: () => void): () => void;
  /** Throws a retriable TickflowError when the cache cannot be reached. */
  health(): Promise<void>;
  close(): Promise<void>;
}
