import type { ErrorCode } from '../error-codes.js';
import { TickflowError } from '../errors.js';

/** The body of every error response. */
export interface ErrorBody {
  readonly error: { readonly code: ErrorCode; readonly message: string; readonly statusCode: number };
}

/** Seconds a client is told to wait (`Retry-After`) when a component behind an endpoint is down. */
export const RETRY_AFTER_SECONDS = 5;

/** A query or path parameter that breaks its rule: `limit must be an integer from 1 to 5000`. */
export const badParam = (name: string, rule: string): TickflowError =>
  new TickflowError('TF_INVALID_PARAM', `${name} must be ${rule}`);

export const unknownSymbol = (symbol: string): TickflowError =>
  new TickflowError(
    'TF_UNKNOWN_SYMBOL',
    `unknown symbol ${symbol}; GET /api/v1/symbols lists the known ones`,
  );

export const noRecentPrice = (symbol: string): TickflowError =>
  new TickflowError(
    'TF_NO_RECENT_PRICE',
    `no recent price for ${symbol}: none has arrived within the latest-price TTL; the feed may be down`,
  );
