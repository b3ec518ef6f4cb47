/** Values and checks the tests of every Cache implementation share. */
import type { LatestPrice, Update } from '../../src/cache/cache.js';
import { TickflowError } from '../../src/errors.js';

export const latest = (symbol: string, price: number): LatestPrice => ({
  symbol,
  price,
  ts: 1_700_000_000_000,
  source: 'test',
  change_24h: 1.5,
  volume_24h: null,
  stale: false,
});

export const tickUpdate = (symbol: string, price: number): Update => ({
  type: 'tick',
  ...latest(symbol, price),
});

/** The retriable outage every cache adapter rejects with. */
export const isUnavailable = (err: unknown): boolean =>
  err instanceof TickflowError &&
  err.code === 'TF_CACHE_UNAVAILABLE' &&
  err.retriable &&
  err.statusCode === 503;
