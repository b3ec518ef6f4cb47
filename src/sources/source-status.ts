import type { SourceStatus } from './source.js';
import { errorMessage } from '../errors.js';
import { sourceRetries } from '../metrics/metrics.js';

/** The mutable side of `SourceStatus`; each source keeps one and hands out snapshots. */
export class StatusTracker {
  private state: SourceStatus['state'] = 'starting';
  private lastSuccessAt: number | null = null;
  private lastError: string | null = null;
  private gaps = 0;
  private rejected = 0;

  constructor(private readonly name: string) {}

  get current(): SourceStatus['state'] {
    return this.state;
  }

  succeeded(at: number): void {
    if (this.state !== 'stopped') this.state = 'ok';
    this.lastSuccessAt = at;
  }

  /** A failed fetch or connection that will be tried again. */
  retrying(err: unknown): void {
    sourceRetries.inc({ source: this.name });
    if (this.state !== 'stopped') this.state = 'retrying';
    this.lastError = errorMessage(err);
  }

  down(err: unknown): void {
    if (this.state !== 'stopped') this.state = 'down';
    this.lastError = errorMessage(err);
  }

  /** Records an error without changing the state (e.g. one payload that failed validation). */
  noteError(err: unknown): void {
    this.lastError = errorMessage(err);
  }

  gap(): void {
    this.gaps++;
  }

  reject(count = 1): void {
    this.rejected += count;
  }

  stopped(): void {
    this.state = 'stopped';
  }

  snapshot(): SourceStatus {
    return {
      name: this.name,
      state: this.state,
      lastSuccessAt: this.lastSuccessAt,
      lastError: this.lastError,
      gaps: this.gaps,
      rejected: this.rejected,
    };
  }
}
