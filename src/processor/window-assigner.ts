/**
 * WindowAssigner for epoch-aligned tumbling windows `[start, start + size)`. Tick times are validated to be
 * non-negative integers, so the remainder gives the same start as `floor(ts / size) * size`, exactly and fast.
 */
export const assignWindowStart = (ts: number, size: number): number => ts - (ts % size);
