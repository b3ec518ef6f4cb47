import { parseIntervals } from '../src/domain/interval.js';
import type { Candle } from '../src/domain/candle.js';
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

/** The middle value (the upper one of an even count). */
export const median = (values: readonly number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

/** `count` closed 1m candles of one symbol, one a minute from T0 + `offset` minutes. */
export function candles(symbol: string, count: number, offset = 0): Candle[] {
  return Array.from({ length: count }, (_, i) => {
    const start = T0 + (offset + i) * 60_000;
    const price = 60_000 + Math.sin(i / 10) * 500;
    return {
      symbol,
      interval: '1m',
      windowStart: epochMs(start),
      windowEnd: epochMs(start + 60_000),
      open: price,
      high: price + 20,
      low: price - 20,
      close: price + 5,
      volume: 12.5,
      trades: 40,
      vwap: price + 1,
      closed: true,
    };
  });
}

/** The middle one of `runs` by `value` (the upper middle for an even count). */
export const medianBy = <T>(runs: readonly T[], value: (run: T) => number): T =>
  [...runs].sort((a, b) => value(a) - value(b))[Math.floor(runs.length / 2)] as T;
