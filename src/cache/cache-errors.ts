import type { ErrorCode } from '../error-codes.js';
import { TickflowError } from '../errors.js';

/** Code every cache adapter throws when the cache cannot be reached (closed, disconnected, timed out). */
export const CACHE_UNAVAILABLE: ErrorCode = 'TF_CACHE_UNAVAILABLE';

/** A retriable outage; the API answers it with 503 and `Retry-After`. */
export const cacheUnavailable = (reason: string, cause?: unknown): TickflowError =>
  new TickflowError(CACHE_UNAVAILABLE, `cache unavailable: ${reason}`, { cause });
