/**
 * Chart times in the browser's own time zone. The chart library only knows UTC timestamps, so every label
 * it draws goes through these formatters. `timeZone` is for tests; the page uses the browser's.
 */

/** The kinds of tick mark the time scale asks labels for (lightweight-charts' TickMarkType). */
export const TickMark = { Year: 0, Month: 1, DayOfMonth: 2, Time: 3, TimeWithSeconds: 4 } as const;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(
  options: Intl.DateTimeFormatOptions,
  locale?: string,
  timeZone?: string,
): Intl.DateTimeFormat {
  const key = JSON.stringify([options, locale, timeZone]);
  let f = formatters.get(key);
  if (f === undefined) {
    f = new Intl.DateTimeFormat(locale, { ...options, ...(timeZone === undefined ? {} : { timeZone }) });
    formatters.set(key, f);
  }
  return f;
}

const TICK_OPTIONS: Record<number, Intl.DateTimeFormatOptions> = {
  [TickMark.Year]: { year: 'numeric' },
  [TickMark.Month]: { month: 'short' },
  [TickMark.DayOfMonth]: { day: 'numeric', month: 'short' },
  [TickMark.Time]: { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' },
  [TickMark.TimeWithSeconds]: { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' },
};

/** The label of a time-scale tick mark at `seconds` (a UTC timestamp in seconds). */
export function tickMarkLabel(seconds: number, kind: number, locale?: string, timeZone?: string): string {
  const options = TICK_OPTIONS[kind] ?? TICK_OPTIONS[TickMark.Time];
  return formatter(options ?? {}, locale, timeZone).format(seconds * 1000);
}

/** The crosshair's full date and time at `seconds`, e.g. `4 Dec 2026, 18:05`. */
export function crosshairLabel(seconds: number, locale?: string, timeZone?: string): string {
  return formatter(
    { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' },
    locale,
    timeZone,
  ).format(seconds * 1000);
}

/** A clock time for lists (alerts, cards), e.g. `18:05:12`. */
export function clockLabel(ms: number, locale?: string, timeZone?: string): string {
  return formatter(
    { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' },
    locale,
    timeZone,
  ).format(ms);
}

/** A clock time to the minute, e.g. `18:05`. */
export function minuteLabel(ms: number, locale?: string, timeZone?: string): string {
  return formatter({ hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }, locale, timeZone).format(ms);
}
