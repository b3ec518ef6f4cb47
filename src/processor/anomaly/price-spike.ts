import type { Measurement } from './measurement.js';

/** price_spike: the candle's return against the previous close of the same series crosses the threshold. */
export function priceSpike(ret: number | null, threshold: number): Measurement | null {
  if (ret === null || Math.abs(ret) < threshold) return null;
  return { value: ret, threshold };
}
