export interface ReconnectPolicy {
  /** Delay ceiling of the first retry, ms; it doubles with each failed attempt. */
  readonly baseMs: number;
  /** Largest delay ceiling, ms. */
  readonly maxMs: number;
}

export const DEFAULT_RECONNECT: ReconnectPolicy = { baseMs: 500, maxMs: 10_000 };

/**
 * The wait before reconnect attempt `attempt` (from 0): exponential backoff with equal jitter, a uniform
 * draw from the upper half of the ceiling, so that clients cut off together do not return together.
 */
export function reconnectDelay(
  attempt: number,
  random: () => number,
  policy: ReconnectPolicy = DEFAULT_RECONNECT,
): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
