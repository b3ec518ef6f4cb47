import { isTickflowError, errorMessage } from '../errors.js';
import type { ProbeResult } from './health-check.js';

/** Commits (or loop turns) failing for this many commit intervals make the processor `down`. */
const FAILING_COMMIT_INTERVALS = 3;
/** A loop that has not turned for this long is stuck (a hung dependency): `down`. */
const STALL_MS = 30_000;
/** Lag is sampled at most this often ... */
const LAG_SAMPLE_MS = 1_000;
/** ... and has to have grown without a dip over this long for the processor to be `degraded`. */
const LAG_WINDOW_MS = 10_000;

interface LagSample {
  readonly at: number;
  readonly lag: number;
}

const describeError = (err: unknown): string => {
  const message = errorMessage(err);
  return isTickflowError(err) ? `${err.code}: ${message}` : message;
};

/**
 * What `/health` says of the processor, from what its loop reports: `down` while commits or loop turns
 * have kept failing for a few commit intervals, or the loop has not turned for a long time; `degraded`
 * while its lag has kept growing; `up` otherwise. Time comes from the injected clock.
 */
export class ProcessorHealth {
  private failingSince: number | null = null;
  private lastError = '';
  private lastTurnAt: number;
  private samples: LagSample[] = [];

  constructor(
    private readonly clock: () => number,
    private readonly commitIntervalMs: number,
  ) {
    this.lastTurnAt = clock();
  }

  /** A commit or a loop turn failed. */
  failed(what: string, err: unknown): void {
    this.failingSince ??= this.clock();
    this.lastError = `${what}: ${describeError(err)}`;
  }

  /** A loop turn went through, commit included. */
  succeeded(): void {
    this.failingSince = null;
  }

  /** The loop came round again, whether its work succeeded or not. */
  turned(): void {
    this.lastTurnAt = this.clock();
  }

  /** Whether a lag sample is due (samples are kept at most once a second). */
  lagSampleDue(): boolean {
    const last = this.samples.at(-1);
    return last === undefined || this.clock() - last.at >= LAG_SAMPLE_MS;
  }

  sampleLag(lag: number): void {
    const at = this.clock();
    this.samples.push({ at, lag });
    const keepFrom = at - LAG_WINDOW_MS - LAG_SAMPLE_MS;
    while ((this.samples[0]?.at ?? at) < keepFrom) this.samples.shift();
  }

  /** The processor's component, with `summary` (its lag and side outputs) as the detail. */
  status(summary: string): ProbeResult {
    const now = this.clock();
    const failingMs = this.failingSince === null ? 0 : now - this.failingSince;
    if (failingMs > FAILING_COMMIT_INTERVALS * this.commitIntervalMs) {
      return { status: 'down', detail: `failing for ${seconds(failingMs)} (${this.lastError}); ${summary}` };
    }
    if (now - this.lastTurnAt > STALL_MS) {
      return { status: 'down', detail: `stalled for ${seconds(now - this.lastTurnAt)}; ${summary}` };
    }
    const growth = this.lagGrowth();
    if (growth !== null) {
      return {
        status: 'degraded',
        detail: `lag grew from ${growth.from} to ${growth.to} in ${seconds(growth.ms)}; ${summary}`,
      };
    }
    return { status: 'up', detail: summary };
  }

  /** The growth of the lag when it rose without a dip over the whole window, else null. */
  private lagGrowth(): { from: number; to: number; ms: number } | null {
    const first = this.samples[0];
    const last = this.samples.at(-1);
    if (first === undefined || last === undefined || last.at - first.at < LAG_WINDOW_MS) return null;
    if (last.lag <= first.lag) return null;
    for (let i = 1; i < this.samples.length; i++) {
      if ((this.samples[i] as LagSample).lag < (this.samples[i - 1] as LagSample).lag) return null;
    }
    return { from: first.lag, to: last.lag, ms: last.at - first.at };
  }
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
