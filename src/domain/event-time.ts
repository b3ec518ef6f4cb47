import { durationMs, formatDuration } from './time.js';

/** 2001-01-01T00:00:00Z: an event time before it is epoch seconds taken for milliseconds, not a price. */
export const EARLIEST_EVENT_TIME = 978_307_200_000;

/** Why an event time is not epoch milliseconds (it is before 2001, so seconds), or null. */
export const secondsProblem = (ts: number): string | null =>
  ts < EARLIEST_EVENT_TIME ? `${ts} is before 2001: it looks like epoch seconds, not milliseconds` : null;

/**
 * Why an event time cannot be true, or null when it can: before 2001 (a seconds value), or further ahead of
 * `reference` (when it was received) than `horizonMs`. A tick from the future would move its symbol's
 * clock there and make every real tick after it late, so it must never reach a clock.
 */
export function eventTimeProblem(ts: number, reference: number, horizonMs: number): string | null {
  const seconds = secondsProblem(ts);
  if (seconds !== null) return seconds;
  const ahead = ts - reference;
  if (ahead > horizonMs) {
    return (
      `${ts} is ${formatDuration(durationMs(ahead))} ahead of its receipt time ${reference}, ` +
      `beyond the future horizon of ${formatDuration(durationMs(horizonMs))}`
    );
  }
  return null;
}
