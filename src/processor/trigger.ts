/**
 * EventTimeTrigger with allowed lateness, as Flink applies it to a window whose last instant is `end − 1`:
 * - the window fires once the watermark reaches its last instant: `W ≥ end − 1`;
 * - it has fired, so a tick for it is late, from that moment on;
 * - it keeps accepting late ticks (each one re-emits the candle) until `W ≥ end − 1 + allowedLateness`,
 *   when its state is purged and later ticks are dropped to the late-data side output.
 */
export const hasFired = (end: number, watermark: number): boolean => end - 1 <= watermark;

export const isPurged = (end: number, watermark: number, allowedLateness: number): boolean =>
  end - 1 + allowedLateness <= watermark;

/**
 * The earliest window start of this size whose window is not purged at `watermark`: a tick earlier than
 * this can no longer change any candle of this size.
 */
export function firstLiveWindowStart(size: number, watermark: number, allowedLateness: number): number {
  if (watermark === -Infinity) return -Infinity;
  if (watermark === Infinity) return Infinity;
  return (Math.floor((watermark - allowedLateness + 1 - size) / size) + 1) * size;
}
