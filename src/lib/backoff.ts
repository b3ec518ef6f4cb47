/** How long to wait between attempts: exponential from `baseMs`, capped at `maxMs`, with full jitter. */
export interface BackoffPolicy {
  readonly baseMs: number;
  readonly maxMs: number;
}

/**
 * Full jitter (AWS architecture blog, "Exponential Backoff And Jitter"): a uniform draw from
 * `[0, min(maxMs, baseMs · 2^attempt))`. `attempt` counts failures so far, from 0. `random` returns a
 * number in [0, 1), like Math.random, and is injected so tests are deterministic.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number): number {
  const exponent = Math.min(Math.max(0, attempt), 30);
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  const draw = Math.min(Math.max(random(), 0), 1);
  return Math.floor(draw * ceiling);
}
