import type { Alert } from '../domain/alert.js';
import type { Candle } from '../domain/candle.js';
import type { Tick } from '../domain/tick.js';

/** A tick that arrived after its window had fired: the late-data side output. */
export interface LateTick {
  readonly tick: Tick;
  readonly interval: string;
  readonly windowStart: number;
  /** True when allowed lateness let it update the candle; false when it was dropped. */
  readonly accepted: boolean;
}

/** Where the operator emits, synchronously, as it processes. */
export interface ProcessorOutput {
  /** A closed candle; `update` is true when a late tick re-emits an already fired candle. */
  candle(candle: Candle, update: boolean): void;
  alert(alert: Alert): void;
  late(late: LateTick): void;
}

export interface ProcessorStats {
  ticks: number;
  duplicates: number;
  /** Ticks late for at least one interval. */
  lateTicks: number;
  /** Ticks dropped from every interval because they came after the allowed lateness. */
  droppedTicks: number;
  candles: number;
  candleUpdates: number;
  alerts: number;
  alertsSuppressed: number;
}

export const emptyStats = (): ProcessorStats => ({
  ticks: 0,
  duplicates: 0,
  lateTicks: 0,
  droppedTicks: 0,
  candles: 0,
  candleUpdates: 0,
  alerts: 0,
  alertsSuppressed: 0,
});
