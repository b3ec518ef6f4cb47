import { parseIntervals } from '../src/domain/interval.js';
import type { Tick } from '../src/domain/tick.js';
import { epochMs } from '../src/domain/time.js';
import { DEFAULT_ANOMALY_OPTIONS } from '../src/processor/anomaly/anomaly-options.js';
import type { ProcessorOptions } from '../src/processor/processor-options.js';

export const T0 = 1_699_999_200_000;

export function defaultOptions(): ProcessorOptions {
  const intervals = parseIntervals('1m,5m,15m');
  if (typeof intervals === 'string') throw new Error(intervals);
  return {
    intervals,
    outOfOrdernessMs: 10_000,
    allowedLatenessMs: 0,
    idle: null,
    anomaly: DEFAULT_ANOMALY_OPTIONS,
  };
}

export const tick = (
  symbol: string,
  price: number,
  ts: number,
  volume: number,
  seq: string | null,
): Tick => ({
  symbol,
  price,
  ts: epochMs(ts),
  receivedAt: epochMs(ts),
  source: 'bench',
  volume,
  seq,
  change24h: null,
  volume24h: null,
});

/** Prints one benchmark's figures as a single JSON line on stdout (bench/run.ts gathers them). */
export const report = (figures: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify(figures)}\n`);
};

export function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect === undefined) throw new Error('run with --expose-gc');
  collect();
}
