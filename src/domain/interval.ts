import { type DurationMs, formatDuration, parseDuration } from './time.js';

/** A tumbling window size. `name` is how it appears in the API, the store and the replay output. */
export interface Interval {
  readonly name: string;
  readonly ms: DurationMs;
}

export const DEFAULT_INTERVALS = '1m,5m,15m';

export const intervalOf = (ms: DurationMs): Interval => ({ name: formatDuration(ms), ms });

/**
 * Parses a comma list of window sizes (`1m,5m,15m`). Returns the intervals sorted by size, or a reason why
 * the list is not acceptable.
 */
export function parseIntervals(text: string): readonly Interval[] | string {
  const parts = text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (parts.length === 0) return 'must list at least one window size, e.g. 1m,5m,15m';
  const intervals: Interval[] = [];
  for (const part of parts) {
    const ms = parseDuration(part);
    if (ms === undefined || ms <= 0) return `"${part}" is not a window size (use e.g. 30s, 1m, 15m, 1h)`;
    if (intervals.some((i) => i.ms === ms)) return `"${part}" is listed twice`;
    intervals.push(intervalOf(ms));
  }
  return intervals.sort((a, b) => a.ms - b.ms);
}
