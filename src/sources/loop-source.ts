import type { Source, SourceStatus, TickSink } from './source.js';
import { StatusTracker } from './source-status.js';

/**
 * The lifecycle the polling and streaming sources share: `start` begins one loop (`run`) and later calls do
 * nothing; `close` aborts the loop's signal, waits for the loop to end and then for `drain`, and reports the
 * source stopped.
 */
export abstract class LoopSource implements Source {
  protected readonly tracker: StatusTracker;
  protected readonly controller = new AbortController();
  private running: Promise<void> | null = null;

  constructor(readonly name: string) {
    this.tracker = new StatusTracker(name);
  }

  start(sink: TickSink): Promise<void> {
    this.running ??= this.run(sink);
    return Promise.resolve();
  }

  status(): SourceStatus {
    return this.tracker.snapshot();
  }

  async close(): Promise<void> {
    this.controller.abort();
    await this.running;
    await this.drain();
    this.tracker.stopped();
  }

  /** Whether close() was called. */
  protected closed(): boolean {
    return this.controller.signal.aborted;
  }

  /** The loop, until `closed()`. What it does before its first await runs inside start(). */
  protected abstract run(sink: TickSink): Promise<void>;

  /** What is left to finish once the loop has ended (default: nothing). */
  protected drain(): Promise<void> {
    return Promise.resolve();
  }
}
