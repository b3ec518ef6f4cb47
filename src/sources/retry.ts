import { isTickflowError } from '../errors.js';
import { type BackoffPolicy, backoffDelay } from '../lib/backoff.js';
import { sleep, type Sleep } from '../lib/sleep.js';
import { SourceError } from './source-error.js';

export interface RetryOptions {
  /** Attempts in total, at least 1. */
  readonly attempts: number;
  readonly backoff: BackoffPolicy;
  /** Aborting it (close()) ends the wait at once and rejects with the signal's reason. */
  readonly signal: AbortSignal;
  readonly random?: () => number;
  readonly sleep?: Sleep;
  /** Called before each wait, with the failure, the attempt that failed (from 0) and the wait. */
  readonly onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
}

export const isRetriable = (err: unknown): boolean => isTickflowError(err) && err.retriable;

const retryAfterOf = (err: unknown): number | null => (err instanceof SourceError ? err.retryAfterMs : null);

/**
 * Runs `fn` until it succeeds, with full-jitter exponential backoff between attempts. Only retriable
 * TickflowErrors are retried; anything else is thrown at once. A server's `Retry-After` replaces the
 * jittered wait; when it asks for longer than `backoff.maxMs` the error is thrown at once (its
 * `retryAfterMs` tells the caller when to come back). After the last attempt the last error is thrown.
 */
export async function retry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const { signal, backoff } = options;
  const random = options.random ?? Math.random;
  const wait = options.sleep ?? sleep;
  for (let attempt = 0; ; attempt++) {
    signal.throwIfAborted();
    try {
      return await fn(attempt);
    } catch (err) {
      signal.throwIfAborted();
      if (!isRetriable(err) || attempt + 1 >= options.attempts) throw err;
      const asked = retryAfterOf(err);
      if (asked !== null && asked > backoff.maxMs) throw err;
      const delay = asked ?? backoffDelay(attempt, backoff, random);
      options.onRetry?.(err, attempt, delay);
      await wait(delay, signal);
    }
  }
}
