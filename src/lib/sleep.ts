/** Waits `ms`, or less if `signal` aborts first. Never rejects. Injected in tests to make waits instant. */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

/**
 * Resolves after `ms` (at once for 0 or less), or as soon as `signal` aborts: a shutdown must not wait out
 * a backoff. Never rejects.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted === true || ms <= 0) {
      resolve();
      return;
    }
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
