/**
 * WatermarkStrategy: bounded out-of-orderness, one event-time clock per symbol.
 *
 * `W = maxEventTimeSeen − bound − 1`, advanced after every record and never moved backwards. In live mode a
 * symbol that has had no tick for the idle timeout (processing time) has its clock carried on by the wall
 * clock from the moment it became idle, so its last windows close; replay never does this.
 */
export const boundedWatermark = (maxEventTime: number, bound: number): number => maxEventTime - bound - 1;

/**
 * The watermark an idle symbol has reached at processing time `now`, or -Infinity while it is not idle:
 * the event time it had reached, moved on by the wall-clock time elapsed since it became idle.
 */
export function idleWatermark(
  maxEventTime: number,
  lastArrival: number,
  now: number,
  idleTimeout: number,
  bound: number,
): number {
  const idleFor = now - lastArrival - idleTimeout;
  if (idleFor < 0 || maxEventTime === -Infinity) return -Infinity;
  return boundedWatermark(maxEventTime + idleFor, bound);
}
