import type { AlertJson } from '../domain/alert.js';
import type { CandleJson } from '../domain/candle.js';

/** Key and channel names kept from the original design. */
export const latestKey = (symbol: string): string => `crypto:${symbol}:latest`;
export const UPDATES_CHANNEL = 'crypto:updates';

/** The value of `crypto:{SYMBOL}:latest`, and the body of `GET /api/v1/latest/{symbol}`. */
export interface LatestPrice {
  readonly symbol: string;
  readonly price: number;
  /** Event time of the price, epoch ms. */
  readonly ts: number;
  readonly source: string;
  readonly change_24h: number | null;
  readonly volume_24h: number | null;
  /** True when the feed behind it has missed updates (a gap). */
  readonly stale: boolean;
}

/** What is published on `crypto:updates`, and pushed to WebSocket clients of that symbol. */
export type Update =
  | ({ readonly type: 'tick' } & LatestPrice)
  | ({ readonly type: 'candle'; readonly closed: boolean } & CandleJson)
  | ({ readonly type: 'alert' } & AlertJson);

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
