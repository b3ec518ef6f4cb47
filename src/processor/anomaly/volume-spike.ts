import type { Measurement } from './measurement.js';
import type { RollingWindow } from './rolling-window.js';

/** volume_spike: the candle's volume is at least `factor` times the mean of the previous candles' volume. */
export function volumeSpike(
  volume: number,
  history: RollingWindow,
  minSamples: number,
  factor: number,
): Measurement | null {
  if (volume <= 0 || history.count < minSamples) return null;
  const mean = history.mean();
  if (mean <= 0) return null;
  const ratio = volume / mean;
  return ratio >= factor ? { value: ratio, threshold: factor } : null;
}
