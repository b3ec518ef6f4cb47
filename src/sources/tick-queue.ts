import type { Tick } from '../domain/tick.js';
import { type BackoffPolicy, backoffDelay } from '../lib/backoff.js';
import { sleep as realSleep, type Sleep } from '../lib/sleep.js';
import type { Logger } from '../logger.js';
import { OutageLog } from './log-once.js';
import type { TickSink } from './source.js';

export interface TickQueueOptions {
  readonly logger: Logger;
  readonly label: string;
  readonly backoff: BackoffPolicy;
  readonly sleep?: Sleep;
  readonly random?: () => number;
  /** Largest batch handed to the sink at once (default 5000). */
  readonly maxBatch?: number;
  /** Above this many waiting ticks, `onPressure(true)`; at half of it, `onPressure(false)` (default 50,000). */
  readonly highWater?: number;
  readonly onPressure?: (paused: boolean) => void;
}

/**
 * Hands ticks that arrive as events (WebSocket messages) to the async sink one batch at a time, in order.
 * A failing sink is retried with backoff, keeping the ticks; a long queue asks the producer to pause. On
 * close it makes one last attempt and reports what it could not deliver.
 */
export class TickQueue {
  private items: Tick[] = [];
  private draining: Promise<void> | null = null;
  private closing = false;
  private paused = false;
  private readonly stop = new AbortController();
  private readonly outage: OutageLog;

  constructor(
    private readonly sink: TickSink,
    private readonly options: TickQueueOptions,
  ) {
    this.outage = new OutageLog(options.logger);
  }

  /** True while the queue has asked the producer to pause. */
  get pressured(): boolean {
    return this.paused;
  }

  get size(): number {
    return this.items.length;
  }

  push(ticks: readonly Tick[]): void {
    if (ticks.length === 0) return;
    for (const t of ticks) this.items.push(t);
    if (!this.paused && this.items.length >= (this.options.highWater ?? 50_000)) {
      this.paused = true;
      this.options.onPressure?.(true);
    }
    this.draining ??= this.drain();
  }

  /** Waits until every tick pushed so far is handed over (or given up on close). */
  async close(): Promise<void> {
    this.closing = true;
    this.stop.abort();
    await this.draining;
  }

  private async drain(): Promise<void> {
    const maxBatch = this.options.maxBatch ?? 5000;
    let failures = 0;
    while (this.items.length > 0) {
      const batch = this.items.slice(0, maxBatch);
      try {
        await this.sink(batch);
        this.items.splice(0, batch.length);
        failures = 0;
        this.outage.recover(`${this.options.label} ticks reach the log again`);
      } catch (err) {
        if (this.closing) {
          this.options.logger.error(
            { lost: this.items.length },
            `closing: could not hand the last ${this.options.label} ticks to the log`,
          );
          this.items = [];
          break;
        }
        this.outage.fail(
          'sink',
          err,
          `could not hand ${this.options.label} ticks to the log; retrying`,
          'error',
        );
        const delay = backoffDelay(failures++, this.options.backoff, this.options.random ?? Math.random);
        await (this.options.sleep ?? realSleep)(delay, this.stop.signal);
      }
      if (this.paused && this.items.length <= (this.options.highWater ?? 50_000) / 2) {
        this.paused = false;
        this.options.onPressure?.(false);
      }
    }
    this.draining = null;
  }
}
