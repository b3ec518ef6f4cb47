import type { Alert } from '../domain/alert.js';
import type { Candle } from '../domain/candle.js';
import { isTickflowError } from '../errors.js';
import type { LogConsumer, LogProducer, OutgoingRecord } from '../log/log.js';
import type { Store } from '../store/store.js';
import type { LivePublisher } from './live-publisher.js';
import type { PartitionStates } from './partition-states.js';
import type { ProcessorHealth } from './processor-health.js';
import type { ProblemCounter } from './problem-counter.js';
import { PROCESSOR_GROUP } from './topics.js';

export interface CommitterDeps {
  readonly store: Store;
  readonly producer: LogProducer;
  readonly consumer: LogConsumer;
  readonly states: PartitionStates;
  readonly publisher: LivePublisher;
  readonly problems: ProblemCounter;
  readonly health: ProcessorHealth;
  readonly clock: () => number;
  /** How often closed candles and alerts are committed. */
  readonly commitIntervalMs: number;
  /** How often a commit also carries the operator state and the offsets it corresponds to. */
  readonly checkpointIntervalMs: number;
}

/**
 * The processor's sink side. Candles and alerts are committed every commit interval; every checkpoint
 * interval the same transaction also carries each partition's operator state and next offset. A restart
 * replays the log from the last checkpoint: the candles and alerts it produces again are identical and
 * their writes idempotent (upserts, insert-once alerts), so history stays exactly-once while the large
 * state is written seldom. Side outputs (dead letters, late ticks) are appended to the log first, at
 * least once.
 */
export class Committer {
  private candles: Candle[] = [];
  private alerts: Alert[] = [];
  private side: { topic: string; record: OutgoingRecord }[] = [];
  /** Records were processed since the last state checkpoint. */
  private statePending = false;
  private lastCommitAt: number;
  private lastCheckpointAt: number;
  private failing = false;

  constructor(private readonly deps: CommitterDeps) {
    this.lastCommitAt = deps.clock();
    this.lastCheckpointAt = deps.clock();
  }

  candle(candle: Candle): void {
    this.candles.push(candle);
  }

  alert(alert: Alert): void {
    this.alerts.push(alert);
  }

  sideOutput(topic: string, record: OutgoingRecord): void {
    this.side.push({ topic, record });
  }

  /** Records were consumed: the state and offsets have moved. */
  processed(): void {
    this.statePending = true;
  }

  due(): boolean {
    const now = this.deps.clock();
    const outputs = this.candles.length + this.alerts.length + this.side.length > 0;
    return (
      (outputs && now - this.lastCommitAt >= this.deps.commitIntervalMs) ||
      (this.statePending && now - this.lastCheckpointAt >= this.deps.checkpointIntervalMs)
    );
  }

  /**
   * Commits what is pending, with a state checkpoint when one is due or `checkpoint` asks for it; then
   * publishes the committed candles and alerts. Returns false when the store refused (nothing is dropped:
   * the caller stops consuming and tries again).
   */
  async commit(checkpoint = false): Promise<boolean> {
    const now = this.deps.clock();
    const withState =
      this.statePending && (checkpoint || now - this.lastCheckpointAt >= this.deps.checkpointIntervalMs);
    const { candles, alerts } = this;
    if (!withState && candles.length + alerts.length + this.side.length === 0) return true;
    try {
      await this.flushSideOutput();
      const checkpoints = withState ? this.deps.states.checkpoints() : [];
      await this.deps.store.commit({ group: PROCESSOR_GROUP, checkpoints, candles, alerts });
    } catch (err) {
      this.failing = true;
      this.deps.health.failed('commit', err);
      this.deps.problems.report('TF_COMMIT_FAILED', 'commit failed; consumption paused until it succeeds', {
        err,
        code: isTickflowError(err) ? err.code : undefined,
      });
      return false;
    }
    if (this.failing) {
      this.failing = false;
      this.deps.problems.resolved('TF_COMMIT_FAILED', 'commits succeed again; consumption resumes');
    }
    this.candles = [];
    this.alerts = [];
    this.lastCommitAt = now;
    if (withState) await this.checkpointed(now);
    await Promise.all([this.deps.publisher.candles(candles), this.deps.publisher.alerts(alerts)]);
    return true;
  }

  private async checkpointed(now: number): Promise<void> {
    this.statePending = false;
    this.lastCheckpointAt = now;
    await this.deps.consumer.commit(this.deps.states.offsets()).catch((err: unknown) => {
      this.deps.problems.report(
        'TF_LOG_COMMIT',
        'could not record the consumer position (informational only)',
        {
          err,
        },
      );
    });
  }

  private async flushSideOutput(): Promise<void> {
    const byTopic = new Map<string, OutgoingRecord[]>();
    for (const { topic, record } of this.side) {
      const records = byTopic.get(topic);
      if (records === undefined) byTopic.set(topic, [record]);
      else records.push(record);
    }
    for (const [topic, records] of byTopic) await this.deps.producer.send(topic, records);
    this.side = [];
  }
}
