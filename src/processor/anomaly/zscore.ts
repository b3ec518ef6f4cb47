import type { Measurement } from './measurement.js';
import type { RollingWindow } from './rolling-window.js';

/** zscore: the return lies beyond k standard deviations of the previous returns in the rolling window. */
export function zscore(
  ret: number | null,
  history: RollingWindow,
  minSamples: number,
  k: number,
): Measurement | null {
  if (ret === null || history.count < minSamples) return null;
  const mean = history.mean();
  const sd = history.stddev(mean);
  if (sd === 0) return null;
  const z = (ret - mean) / sd;
  return Math.abs(z) >= k ? { value: z, threshold: k } : null;
}
