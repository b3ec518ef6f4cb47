/** A point of an indicator line, at a bar's time (epoch ms). */
export interface LinePoint {
  readonly time: number;
  readonly value: number;
}

/** The moving averages the chart offers, as on exchange terminals. */
export const MA_PERIODS = [7, 25, 99] as const;

/**
 * The simple moving average of the closes over `period` bars, one point per bar from the `period`-th on.
 * Each point is summed afresh from its own bars, so no rounding error carries along the line.
 */
export function movingAverage(
  bars: readonly { readonly time: number; readonly close: number }[],
  period: number,
): LinePoint[] {
  const points: LinePoint[] = [];
  for (let end = period; end <= bars.length; end++) points.push(averageAt(bars, period, end));
  return points;
}

/** The average of the `period` closes before index `end` (exclusive), at the time of the last of them. */
export function averageAt(
  bars: readonly { readonly time: number; readonly close: number }[],
  period: number,
  end: number,
): LinePoint {
  let sum = 0;
  for (let i = end - period; i < end; i++) sum += bars[i]?.close ?? NaN;
  return { time: bars[end - 1]?.time ?? NaN, value: sum / period };
}
