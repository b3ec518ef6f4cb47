import type { Interval } from '../domain/interval.js';
import type { EpochMs } from '../domain/time.js';
import type { AnomalyOptions } from './anomaly/anomaly-options.js';

/** The processing-time clock, injected: the core never reads the wall clock itself. */
export type Clock = () => EpochMs;

export interface ProcessorOptions {
  /** Window sizes, sorted ascending. */
  readonly intervals: readonly Interval[];
  /** Bounded out-of-orderness of each symbol's event-time clock (10 s by default). */
  readonly outOfOrdernessMs: number;
  /** How long a fired window keeps accepting late ticks as updates (0 by default: never). */
  readonly allowedLatenessMs: number;
  /**
   * Live mode only: after `timeoutMs` of processing time without a tick, a symbol's clock moves on with
   * the wall clock. Null in replay, which is driven by the records alone.
   */
  readonly idle: { readonly timeoutMs: number; readonly clock: Clock } | null;
  readonly anomaly: AnomalyOptions;
}

export const DEFAULT_OUT_OF_ORDERNESS_MS = 10_000;
export const DEFAULT_IDLE_TIMEOUT_MS = 60_000;
