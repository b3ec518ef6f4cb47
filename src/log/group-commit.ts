import { errorMessage } from '../errors.js';
import type { Logger } from '../logger.js';
import { LogError } from './log-errors.js';
import type { Partition } from './partition.js';
import type { AppendRecord } from './record-codec.js';

interface PendingSend {
  readonly parts: ReadonlyMap<Partition, readonly AppendRecord[]>;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

export interface CommitStats {
  /** Records made durable. */
  records: number;
  /** `send()` calls made durable. */
  sends: number;
  /** Write + fsync rounds; sends per flush is the group-commit factor. */
  flushes: number;
}

/**
 * Group commit: sends that arrive while a flush is on disk wait and go together in the next one, as one
 * write and one fdatasync per partition touched. A send resolves only after its flush's fsync, and records
 * become readable at the same moment (`publish`), so a consumer never sees a record a crash could lose.
 */
export class GroupCommitter {
  readonly stats: CommitStats = { records: 0, sends: 0, flushes: 0 };
  private queue: PendingSend[] = [];
  private running: Promise<void> | null = null;
  private scheduled = false;
  /** Set when a failed write could not be undone: nothing more may be written until the log is reopened. */
  private broken: LogError | null = null;
  /** The flushes that failed since the last one that succeeded, if the last one failed. */
  private failing: { count: number; readonly since: number; last: LogError } | null = null;

  constructor(
    private readonly now: () => number,
    private readonly onPublished: (partitions: readonly Partition[]) => void,
    private readonly logger: Logger,
  ) {}

  /** Why the log cannot take writes now: a write that could not be undone, or failing writes. */
  get failure(): LogError | null {
    if (this.broken !== null || this.failing === null) return this.broken;
    const { count, since, last } = this.failing;
    return new LogError(
      'TF_LOG_UNAVAILABLE',
      `log writes are failing: ${count} in a row since ${new Date(since).toISOString()}; the last: ${last.message}`,
      last,
    );
  }

  submit(parts: ReadonlyMap<Partition, readonly AppendRecord[]>): Promise<void> {
    if (this.broken !== null) return Promise.reject(this.broken);
    return new Promise((resolve, reject) => {
      this.queue.push({ parts, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves once every send submitted so far has been flushed (or failed). */
  async idle(): Promise<void> {
    while (this.running !== null || this.scheduled) {
      await (this.running ?? new Promise((resolve) => setImmediate(resolve)));
    }
  }

  private schedule(): void {
    if (this.running !== null || this.scheduled) return;
    this.scheduled = true;
    // One macrotask of delay gathers every send made in the current turn into the first flush.
    setImmediate(() => {
      this.scheduled = false;
      this.running = this.drain();
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      await this.flush(batch);
    }
    this.running = null;
  }

  private async flush(batch: readonly PendingSend[]): Promise<void> {
    const byPartition = new Map<Partition, AppendRecord[]>();
    for (const send of batch) {
      for (const [partition, records] of send.parts) {
        const list = byPartition.get(partition) ?? [];
        byPartition.set(partition, list);
        for (const record of records) list.push(record);
      }
    }
    const partitions = [...byPartition.keys()];
    const timestamp = this.now();
    const failure =
      this.broken ??
      firstFailure(
        await Promise.allSettled(partitions.map((p) => p.write(byPartition.get(p) ?? [], timestamp))),
      ) ??
      firstFailure(await Promise.allSettled(partitions.map((p) => p.sync())));
    if (failure !== undefined) {
      await this.fail(batch, partitions, failure);
      return;
    }
    for (const partition of partitions) partition.publish();
    this.recovered();
    this.stats.flushes += 1;
    this.stats.sends += batch.length;
    for (const records of byPartition.values()) this.stats.records += records.length;
    this.onPublished(partitions);
    for (const send of batch) send.resolve();
  }

  private recovered(): void {
    if (this.failing === null) return;
    const { count, since } = this.failing;
    this.failing = null;
    this.logger.info(
      { failedWrites: count, since: new Date(since).toISOString() },
      `log: writes succeed again, after ${count} failed`,
    );
  }

  private async fail(
    batch: readonly PendingSend[],
    partitions: readonly Partition[],
    cause: unknown,
  ): Promise<void> {
    const error =
      cause instanceof LogError
        ? cause
        : new LogError('TF_LOG_IO', `log: writing records to disk failed: ${errorMessage(cause)}`, cause);
    if (this.failing === null) {
      this.failing = { count: 0, since: this.now(), last: error };
      this.logger.error(
        { err: cause },
        'log: a write failed; its sends are rejected (further failures are counted, not logged, until a write succeeds)',
      );
    }
    this.failing.count += 1;
    this.failing.last = error;
    const undo = firstFailure(await Promise.allSettled(partitions.map((p) => p.rollback())));
    if (undo !== undefined && this.broken === null) {
      this.broken = new LogError(
        'TF_LOG_UNAVAILABLE',
        `log: a failed write could not be undone (${errorMessage(undo)}; the write: ${error.message}); reopen the log`,
        undo,
      );
      this.logger.error({ err: undo }, 'log: a failed write could not be undone; refusing further writes');
    }
    for (const send of batch) send.reject(error);
  }
}

function firstFailure(results: readonly PromiseSettledResult<unknown>[]): unknown {
  for (const result of results)
    if (result.status === 'rejected') return result.reason ?? new Error('unknown');
  return undefined;
}
