/** Resolves after `ms`, or at once when the signal aborts (a shutdown must not wait out a backoff). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) {
      resolve();
      return;
    }
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Exponential backoff with full jitter: a random delay in [0, min(cap, base × 2^attempt)]. */
export const backoffDelay = (attempt: number, baseMs = 200, capMs = 5_000, random = Math.random): number =>
  Math.floor(random() * Math.min(capMs, baseMs * 2 ** attempt));
