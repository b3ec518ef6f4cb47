import assert from 'node:assert/strict';

import type { Alert } from '../../../src/domain/alert.js';
import type { Candle } from '../../../src/domain/candle.js';
import type { Tick } from '../../../src/domain/tick.js';
import { DEFAULT_ANOMALY_OPTIONS } from '../../../src/processor/anomaly/anomaly-options.js';
import {
  decodeCheckpoint,
  encodeCheckpoint,
  snapshotOperator,
} from '../../../src/processor/checkpoint-codec.js';
import type { LateTick, ProcessorOutput, ProcessorStats } from '../../../src/processor/processor-output.js';
import { WindowOperator } from '../../../src/processor/window-operator.js';
import { oracle } from '../oracle.js';
import { buildLog, type Scenario, type Settings } from './tick-scenarios.js';

// ---------------------------------------------------------------------------------------------------------
// Running the operator.
// ---------------------------------------------------------------------------------------------------------

export type Event =
  | { readonly kind: 'candle'; readonly candle: Candle; readonly update: boolean }
  | { readonly kind: 'alert'; readonly alert: Alert }
  | { readonly kind: 'late'; readonly late: LateTick };

export class Recorder implements ProcessorOutput {
  readonly events: Event[] = [];

  candle(candle: Candle, update: boolean): void {
    this.events.push({ kind: 'candle', candle, update });
  }

  alert(alert: Alert): void {
    this.events.push({ kind: 'alert', alert });
  }

  late(late: LateTick): void {
    this.events.push({ kind: 'late', late });
  }

  get emissions(): { candle: Candle; update: boolean }[] {
    return this.events.flatMap((e) => (e.kind === 'candle' ? [{ candle: e.candle, update: e.update }] : []));
  }

  get alerts(): Alert[] {
    return this.events.flatMap((e) => (e.kind === 'alert' ? [e.alert] : []));
  }

  get lateRecords(): LateTick[] {
    return this.events.flatMap((e) => (e.kind === 'late' ? [e.late] : []));
  }
}

export const operatorFor = (s: Settings, output: ProcessorOutput): WindowOperator =>
  new WindowOperator(
    {
      intervals: s.intervals,
      outOfOrdernessMs: s.boundMs,
      allowedLatenessMs: s.allowedLatenessMs,
      idle: null,
      anomaly: DEFAULT_ANOMALY_OPTIONS,
    },
    output,
  );

export interface Run {
  readonly recorder: Recorder;
  readonly stats: ProcessorStats;
}

/** One operator, the whole log, then flush. */
export function runUninterrupted(s: Settings, ticks: readonly Tick[]): Run {
  const recorder = new Recorder();
  const op = operatorFor(s, recorder);
  for (const tick of ticks) op.process(tick);
  op.flush();
  return { recorder, stats: { ...op.stats } };
}

export const roundTrip = (op: WindowOperator, keep?: (symbol: string) => boolean) =>
  decodeCheckpoint(encodeCheckpoint(snapshotOperator(op, keep)));

// ---------------------------------------------------------------------------------------------------------
// Comparing outputs.
// ---------------------------------------------------------------------------------------------------------

export const cmp = (a: string | number, b: string | number): number => (a < b ? -1 : a > b ? 1 : 0);

export const byWindow = (a: Candle, b: Candle): number =>
  cmp(a.symbol, b.symbol) ||
  cmp(a.interval, b.interval) ||
  a.windowStart - b.windowStart ||
  a.trades - b.trades;

export const sortCandles = (candles: readonly Candle[]): Candle[] => [...candles].sort(byWindow);

export const sortEmissions = <T extends { candle: Candle; update: boolean }>(emissions: readonly T[]): T[] =>
  [...emissions].sort((a, b) => byWindow(a.candle, b.candle) || Number(a.update) - Number(b.update));

export const sortAlerts = (alerts: readonly Alert[]): Alert[] =>
  [...alerts].sort((a, b) => cmp(a.id, b.id) || cmp(JSON.stringify(a), JSON.stringify(b)));

/** The last emission of every window: the candle history ends up holding after upserts. */
export function finalCandles(emissions: readonly { candle: Candle }[]): Candle[] {
  const last = new Map<string, Candle>();
  for (const { candle } of emissions)
    last.set(`${candle.symbol}|${candle.interval}|${candle.windowStart}`, candle);
  return [...last.values()];
}

/** Late-data side output, grouped by symbol, each symbol's records in output order. */
export function lateBySymbol(late: readonly LateTick[]): Map<string, LateTick[]> {
  const groups = new Map<string, LateTick[]>();
  for (const record of [...late].sort((a, b) => cmp(a.tick.symbol, b.tick.symbol))) {
    const group = groups.get(record.tick.symbol) ?? [];
    group.push(record);
    groups.set(record.tick.symbol, group);
  }
  return groups;
}

export function sumStats(a: ProcessorStats, b: ProcessorStats): ProcessorStats {
  const sum = { ...a };
  for (const key of Object.keys(sum) as (keyof ProcessorStats)[]) sum[key] += b[key];
  return sum;
}

// ---------------------------------------------------------------------------------------------------------
// Properties.
// ---------------------------------------------------------------------------------------------------------

export function assertMatchesOracle(s: Settings, ticks: readonly Tick[]): void {
  const { recorder, stats } = runUninterrupted(s, ticks);
  const expected = oracle(ticks, {
    intervals: s.intervals,
    boundMs: s.boundMs,
    allowedLatenessMs: s.allowedLatenessMs,
  });
  assert.deepEqual(sortCandles(finalCandles(recorder.emissions)), sortCandles(expected.candles));
  assert.deepEqual(sortEmissions(recorder.emissions), sortEmissions(expected.emissions));
  assert.deepEqual(recorder.lateRecords, expected.late);
  const { ticks: n, duplicates, lateTicks, droppedTicks, candles, candleUpdates } = stats;
  assert.deepEqual(
    { ticks: n, duplicates, lateTicks, droppedTicks, candles, candleUpdates },
    expected.counts,
  );
}

export const matchesOracle = (s: Scenario): void => {
  assertMatchesOracle(
    s,
    buildLog(s).map((r) => r.tick),
  );
};
