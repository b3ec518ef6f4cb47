import type { Measurement } from './measurement.js';

/**
 * stale_feed: the symbol's event-time clock has moved `threshold` ms past its last tick. Evaluated when the
 * clock advances: in replay when the next tick shows the gap, in live mode also while the feed is idle.
 */
export function staleFeed(lastEventTime: number, watermark: number, threshold: number): Measurement | null {
  const gap = watermark - lastEventTime;
  return gap >= threshold ? { value: gap, threshold } : null;
}
