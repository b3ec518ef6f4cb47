declare const epochMsBrand: unique symbol;
declare const durationMsBrand: unique symbol;

/** An instant, as integer milliseconds since the Unix epoch. */
export type EpochMs = number & { readonly [epochMsBrand]: true };

/** A length of time in integer milliseconds. */
export type DurationMs = number & { readonly [durationMsBrand]: true };

export const epochMs = (ms: number): EpochMs => ms as EpochMs;
export const durationMs = (ms: number): DurationMs => ms as DurationMs;

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^(\d+)(ms|s|m|h|d)$/;

/**
 * Parses `200ms`, `10s`, `1m`, `15m`, `1h`, `1d`, or a bare `0`. Returns undefined for anything else, so the
 * caller can name the field in its own error.
 */
export function parseDuration(text: string): DurationMs | undefined {
  const trimmed = text.trim();
  if (trimmed === '0') return durationMs(0);
  const match = DURATION.exec(trimmed);
  if (match === null) return undefined;
  const value = Number(match[1]) * (UNITS[match[2] ?? ''] ?? Number.NaN);
  return Number.isSafeInteger(value) ? durationMs(value) : undefined;
}

/** The shortest exact spelling of a duration: 60000 → `1m`, 90000 → `90s`, 250 → `250ms`. */
export function formatDuration(ms: DurationMs): string {
  if (ms === 0) return '0';
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1_000],
  ] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
