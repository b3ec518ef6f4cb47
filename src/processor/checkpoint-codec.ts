import { ALERT_RULES, type AlertRule } from '../domain/alert.js';
import { CheckpointError } from '../errors.js';
import type { AnomalyOptions } from './anomaly/anomaly-options.js';
import { SeriesState } from './anomaly/series-state.js';
import { type DedupEntry, Deduplicator } from './dedup.js';
import { OhlcvAccumulator } from './ohlcv-aggregate.js';
import type { ProcessorStats } from './processor-output.js';
import { Pane, SymbolState } from './symbol-state.js';
import type { WindowOperator } from './window-operator.js';

/**
 * The versioned, JSON-serialisable snapshot of the operator's whole state. It is written in the same store
 * transaction as the candles, alerts and log offsets it corresponds to.
 */
export const CHECKPOINT_VERSION = 1;

/** JSON has no infinities: -∞ is null and +∞ is the string "inf". */
type Num = number | null | 'inf';

/** start, end, open, openTs, high, low, close, closeTs, volume, notional, trades, fired (0 | 1). */
type WindowJson = [
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  0 | 1,
  // The compensations of volume and notional; absent in checkpoints from before compensated sums.
  number?,
  number?,
];

interface SeriesJson {
  prevClose: number | null;
  returns: number[];
  volumes: number[];
  lastAlertTs: [AlertRule, number][];
  staleReportedFor: Num;
}

interface SymbolJson {
  symbol: string;
  maxTs: Num;
  watermark: Num;
  cutoff: Num;
  nextCutoffAt: Num;
  dedup: DedupEntry[];
  panes: { fired: number; windows: WindowJson[]; series: SeriesJson }[];
}

export interface Checkpoint {
  version: typeof CHECKPOINT_VERSION;
  intervals: number[];
  outOfOrdernessMs: number;
  allowedLatenessMs: number;
  stats: ProcessorStats;
  symbols: SymbolJson[];
}

const encodeNum = (n: number): Num => (n === -Infinity ? null : n === Infinity ? 'inf' : n);
const decodeNum = (n: Num): number => (n === null ? -Infinity : n === 'inf' ? Infinity : n);

function encodeWindow(w: OhlcvAccumulator): WindowJson {
  return [
    w.start,
    w.end,
    w.open,
    w.openTs,
    w.high,
    w.low,
    w.close,
    w.closeTs,
    w.volume.sum,
    w.notional.sum,
    w.trades,
    w.fired ? 1 : 0,
    w.volume.compensation,
    w.notional.compensation,
  ];
}

function decodeWindow(json: WindowJson): OhlcvAccumulator {
  const [start, end, open, openTs, high, low, close, closeTs, volume, notional, trades, fired] = json;
  const w = new OhlcvAccumulator(start, end, open, openTs);
  Object.assign(w, { high, low, close, closeTs, trades, fired: fired === 1 });
  w.volume.sum = volume;
  w.volume.compensation = json[12] ?? 0;
  w.notional.sum = notional;
  w.notional.compensation = json[13] ?? 0;
  return w;
}

function encodeSymbol(state: SymbolState): SymbolJson {
  return {
    symbol: state.symbol,
    maxTs: encodeNum(state.maxTs),
    watermark: encodeNum(state.watermark),
    cutoff: encodeNum(state.cutoff),
    nextCutoffAt: encodeNum(state.nextCutoffAt),
    dedup: state.dedup.snapshot(),
    panes: state.panes.map((pane) => ({
      fired: pane.fired,
      windows: pane.windows.map(encodeWindow),
      series: {
        prevClose: pane.series.prevClose,
        returns: pane.series.returns.toArray(),
        volumes: pane.series.volumes.toArray(),
        lastAlertTs: [...pane.series.lastAlertTs],
        staleReportedFor: encodeNum(pane.series.staleReportedFor),
      },
    })),
  };
}

const isNum = (v: unknown): v is Num => v === null || v === 'inf' || typeof v === 'number';

/** Checks the shape a checkpoint of this version has, so a foreign or damaged one fails here, loudly. */
function assertSymbolShape(value: unknown): asserts value is SymbolJson {
  const json = value as Partial<Record<keyof SymbolJson, unknown>>;
  const fields = [json.maxTs, json.watermark, json.cutoff, json.nextCutoffAt];
  const dedup = json.dedup;
  const dedupOk =
    Array.isArray(dedup) &&
    dedup.every((e: unknown) => Array.isArray(e) && (e.length === 3 || e.length === 5));
  // (A five-element entry is a key without a sequence, one with a sequence, or a range of trade ids.)
  if (typeof json.symbol !== 'string' || !fields.every(isNum) || !dedupOk || !Array.isArray(json.panes)) {
    throw new CheckpointError(`a symbol's state does not have the version ${CHECKPOINT_VERSION} shape`);
  }
}

function decodeSymbol(json: unknown, anomaly: AnomalyOptions, intervalCount: number): SymbolState {
  assertSymbolShape(json);
  if (json.panes.length !== intervalCount)
    throw new CheckpointError(`symbol ${json.symbol} has the wrong pane count`);
  const panes = json.panes.map((p) => {
    const series = new SeriesState(anomaly, p.series.returns, p.series.volumes);
    series.prevClose = p.series.prevClose;
    series.staleReportedFor = decodeNum(p.series.staleReportedFor);
    for (const [rule, ts] of p.series.lastAlertTs) {
      if (!ALERT_RULES.includes(rule)) throw new CheckpointError(`unknown alert rule "${rule}"`);
      series.lastAlertTs.set(rule, ts);
    }
    const pane = new Pane(series);
    pane.fired = p.fired;
    pane.windows = p.windows.map(decodeWindow);
    return pane;
  });
  const state = new SymbolState(json.symbol, intervalCount, anomaly, panes);
  state.maxTs = decodeNum(json.maxTs);
  state.watermark = decodeNum(json.watermark);
  state.cutoff = decodeNum(json.cutoff);
  state.nextCutoffAt = decodeNum(json.nextCutoffAt);
  state.dedup = Deduplicator.restore(json.dedup);
  return state;
}

/** Takes a checkpoint of the operator's state for the symbols `keep` accepts (all by default). */
export function snapshotOperator(operator: WindowOperator, keep?: (symbol: string) => boolean): Checkpoint {
  const { options } = operator;
  return {
    version: CHECKPOINT_VERSION,
    intervals: options.intervals.map((i) => i.ms),
    outOfOrdernessMs: options.outOfOrdernessMs,
    allowedLatenessMs: options.allowedLatenessMs,
    stats: { ...operator.stats },
    symbols: operator.exportState(keep).map(encodeSymbol),
  };
}

/**
 * Restores a checkpoint into an operator built with the same window settings. Restoring several
 * checkpoints (one per partition) merges their symbols; `withStats` also carries the counters over.
 */
export function restoreOperator(operator: WindowOperator, checkpoint: Checkpoint, withStats = true): void {
  if ((checkpoint.version as number) !== CHECKPOINT_VERSION) {
    throw new CheckpointError(`version ${checkpoint.version as number} is not ${CHECKPOINT_VERSION}`);
  }
  const { options } = operator;
  const intervals = options.intervals.map((i) => i.ms).join(',');
  if (checkpoint.intervals.join(',') !== intervals) {
    throw new CheckpointError(
      `it was taken with intervals ${checkpoint.intervals.join(',')} ms, not ${intervals} ms`,
    );
  }
  if (
    checkpoint.outOfOrdernessMs !== options.outOfOrdernessMs ||
    checkpoint.allowedLatenessMs !== options.allowedLatenessMs
  ) {
    throw new CheckpointError('it was taken with another out-of-orderness bound or allowed lateness');
  }
  const states = checkpoint.symbols.map((s) => decodeSymbol(s, options.anomaly, options.intervals.length));
  operator.importState(states, withStats ? checkpoint.stats : undefined);
}

export const encodeCheckpoint = (checkpoint: Checkpoint): string => JSON.stringify(checkpoint);

/** Parses a stored checkpoint; any damage is a CheckpointError, never a crash later on. */
export function decodeCheckpoint(text: string): Checkpoint {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new CheckpointError('it is not valid JSON', err);
  }
  if (typeof parsed !== 'object' || parsed === null || !Array.isArray((parsed as Checkpoint).symbols)) {
    throw new CheckpointError('it is not a checkpoint object');
  }
  return parsed as Checkpoint;
}
