import type { Tick } from '../domain/tick.js';

/** Where a source hands its ticks; resolves once they are appended to the log (backpressure). */
export type TickSink = (ticks: readonly Tick[]) => Promise<void>;

export interface SourceStatus {
  readonly name: string;
  /** ok: last attempt succeeded; retrying: failing, still trying; down: gave up this round; stopped. */
  readonly state: 'starting' | 'ok' | 'retrying' | 'down' | 'stopped';
  /** When the last successful fetch or message arrived, epoch ms. */
  readonly lastSuccessAt: number | null;
  readonly lastError: string | null;
  /** Polls or connections given up after retries: each is a gap in the feed. */
  readonly gaps: number;
  /** Payloads that failed validation, kept out of the log. */
  readonly rejected: number;
}

/** A price feed. Each normalises its payloads to `Tick` with event time and receipt time. */
export interface Source {
  readonly name: string;
  /** Starts fetching; returns once the source is running (it keeps retrying on its own). */
  start(sink: TickSink): Promise<void>;
  status(): SourceStatus;
  /** Stops fetching and waits for in-flight work to be handed to the sink. */
  close(): Promise<void>;
}
