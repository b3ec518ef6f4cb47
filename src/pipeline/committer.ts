import { isTickflowError } from '../errors.js';
import type { LogProducer, OutgoingRecord } from '../log/log.js';
import {
  checkpointBytes,
  checkpointDuration,
  checkpointFailures,
  processorRecordsOut,
  processorWindowsFired,
  timedWrite,
} from '../metrics/metrics.js';
import type { CommitBatch, ProcessorSink } from '../store/store.js';
import type { LivePublisher } from './live-publisher.js';
import type { PartitionTask, SideOutput } from './partition-task.js';
import type { ProblemCounter } from './problem-counter.js';
import type { ProcessorHealth } from './processor-health.js';
import { PROCESSOR_GROUP } from './topics.js';

export interface CommitterDeps {
  readonly store: ProcessorSink;
  readonly producer: LogProducer;
  readonly publisher: LivePublisher;
  readonly problems: ProblemCounter;
  readonly health: ProcessorHealth;
  readonly clock: () => number;
}

/** How a commit went: stored, refused for now (retry later), or fenced (another owner has the partition). */
export type CommitResult = 'committed' | 'failed' | 'fenced';

/**
 * The processor's sink side. A partition's candles and alerts are committed every commit interval; every
 * checkpoint interval the same transaction also carries the partition's operator state and next offset,
 * guarded by the epoch of its claim. A restart replays the log from the last checkpoint: the candles and
 * alerts it produces again are identical and their writes idempotent (upserts, insert-once alerts), so
 * history stays exactly-once while the large state is written seldom. Side outputs (dead letters, late
 * ticks) are appended to the log first, at least once.
 */
export class Committer {
  private failing = false;

  constructor(private readonly deps: CommitterDeps) {}

  /** Commits what the partition has pending, with its state when due or when `checkpoint` asks for it. */
  async commit(task: PartitionTask, checkpoint = false): Promise<CommitResult> {
    const now = this.deps.clock();
    const pending = task.pending(PROCESSOR_GROUP, now, checkpoint);
    if (pending === null) return 'committed';
    const { batch } = pending;
    const started = performance.now();
    try {
      await this.flushSideOutput(pending.side);
      task.sideFlushed(pending.side.length);
      await timedWrite('store', batch.candles.length + batch.alerts.length, () =>
        this.deps.store.commit(batch),
      );
    } catch (err) {
      if (isTickflowError(err) && err.code === 'TF_STORE_FENCED') return 'fenced';
      if (batch.checkpoints.length > 0) checkpointFailures.inc();
      this.failing = true;
      this.deps.health.failed('commit', err);
      this.deps.problems.report('TF_COMMIT_FAILED', 'commit failed; the partition pauses until it succeeds', {
        err,
        partition: task.partition,
        code: isTickflowError(err) ? err.code : undefined,
      });
      return 'failed';
    }
    if (this.failing) {
      this.failing = false;
      this.deps.problems.resolved('TF_COMMIT_FAILED', 'commits succeed again; consumption resumes');
    }
    recordCommit(batch, (performance.now() - started) / 1_000);
    task.committed(pending.batch, now);
    this.deps.publisher.candles(pending.batch.candles);
    this.deps.publisher.alerts(pending.batch.alerts);
    return 'committed';
  }

  private async flushSideOutput(side: readonly SideOutput[]): Promise<void> {
    const byTopic = new Map<string, OutgoingRecord[]>();
    for (const { topic, record } of side) {
      const records = byTopic.get(topic);
      if (records === undefined) byTopic.set(topic, [record]);
      else records.push(record);
    }
    for (const [topic, records] of byTopic) await this.deps.producer.send(topic, records);
  }
}

/** A commit's figures: what the processor put out, and the checkpoint it carried. */
function recordCommit(batch: CommitBatch, seconds: number): void {
  processorRecordsOut.inc({ kind: 'candle' }, batch.candles.length);
  processorRecordsOut.inc({ kind: 'alert' }, batch.alerts.length);
  for (const candle of batch.candles) processorWindowsFired.inc({ interval: candle.interval });
  if (batch.checkpoints.length === 0) return;
  checkpointDuration.observe(seconds);
  checkpointBytes.set(batch.checkpoints.reduce((sum, c) => sum + Buffer.byteLength(c.state), 0));
}
