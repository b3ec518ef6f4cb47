import type { Alert } from '../../src/domain/alert.js';
import type { Candle } from '../../src/domain/candle.js';
import { parseIntervals } from '../../src/domain/interval.js';
import type { Tick } from '../../src/domain/tick.js';
import { epochMs } from '../../src/domain/time.js';
import { type AnomalyOptions, DEFAULT_ANOMALY_OPTIONS } from '../../src/processor/anomaly/anomaly-options.js';
import type { ProcessorOptions } from '../../src/processor/processor-options.js';
import type { LateTick } from '../../src/processor/processor-output.js';
import { WindowOperator } from '../../src/processor/window-operator.js';

/** Builds a tick with test defaults: BTC, source "test", no volume, no sequence. */
export function tick(fields: Partial<Omit<Tick, 'ts'>> & { ts: number }): Tick {
  return {
    symbol: 'BTC',
    price: 100,
    source: 'test',
    volume: 0,
    seq: null,
    change24h: null,
    volume24h: null,
    ...fields,
    ts: epochMs(fields.ts),
    receivedAt: epochMs(fields.receivedAt ?? fields.ts),
  };
}

export interface Harness {
  readonly op: WindowOperator;
  readonly candles: Candle[];
  readonly updates: Candle[];
  readonly alerts: Alert[];
  readonly late: LateTick[];
  /** Processes ticks in order. */
  feed(...ticks: Tick[]): void;
}

export interface HarnessOptions extends Partial<Omit<ProcessorOptions, 'intervals' | 'anomaly'>> {
  readonly intervals?: string;
  readonly anomaly?: Partial<AnomalyOptions>;
}

/** A window operator whose outputs are collected into arrays. Alerts are off unless asked for. */
export function harness(options: HarnessOptions = {}): Harness {
  const intervals = parseIntervals(options.intervals ?? '1m,5m,15m');
  if (typeof intervals === 'string') throw new Error(intervals);
  const candles: Candle[] = [];
  const updates: Candle[] = [];
  const alerts: Alert[] = [];
  const late: LateTick[] = [];
  const op = new WindowOperator(
    {
      intervals,
      outOfOrdernessMs: options.outOfOrdernessMs ?? 10_000,
      allowedLatenessMs: options.allowedLatenessMs ?? 0,
      idle: options.idle ?? null,
      anomaly: { ...DEFAULT_ANOMALY_OPTIONS, rules: [], ...options.anomaly },
    },
    {
      candle: (c, update) => (update ? updates : candles).push(c),
      alert: (a) => alerts.push(a),
      late: (l) => late.push(l),
    },
  );
  return {
    op,
    candles,
    updates,
    alerts,
    late,
    feed: (...ticks) => {
      ticks.forEach((t) => {
        op.process(t);
      });
    },
  };
}

/** An instant aligned to every default window size (a multiple of 15 minutes). */
export const T0 = 1_699_999_200_000;
export const min = (n: number): number => n * 60_000;
export const sec = (n: number): number => n * 1_000;
