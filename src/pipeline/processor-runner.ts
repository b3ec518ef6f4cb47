import type { Cache } from '../cache/cache.js';
import type { Config } from '../config/load-config.js';
import type { Candle } from '../domain/candle.js';
import { TickflowError, isTickflowError } from '../errors.js';
import { type Log, type LogConsumer, type LogRecord, type OffsetReset, PRICES_TOPIC } from '../log/log.js';
import { type BackoffPolicy, backoffDelay } from '../lib/backoff.js';
import { sleep } from '../lib/sleep.js';
import type { Logger } from '../logger.js';
import {
  logConsumerLag,
  partitionsOwned,
  processorEventTimeLag,
  processorWatermark,
} from '../metrics/metrics.js';
import { addSampler } from '../metrics/scrape.js';
import type { ProcessorSink } from '../store/store.js';
import { Committer } from './committer.js';
import type { ProbeResult } from './health-check.js';
import { LivePublisher } from './live-publisher.js';
import { PartitionHandover } from './partition-handover.js';
import type { HandledBatch, PartitionTask, RunnerCounters } from './partition-task.js';
import { ProblemCounter } from './problem-counter.js';
import { ProcessorHealth } from './processor-health.js';
import { DEAD_LETTER_TOPIC, LATE_TOPIC, PROCESSOR_GROUP } from './topics.js';

export interface ProcessorRunnerDeps {
  readonly log: Log;
  readonly store: ProcessorSink;
  readonly cache: Cache;
  readonly config: Config;
  readonly logger: Logger;
  readonly clock: () => number;
  /** Discard the stored checkpoints and start every partition, with no state, at this end of the log. */
  readonly resetTo?: OffsetReset;
}

const MAX_POLL_RECORDS = 2_000;
/** In-progress candles are published at most this often per symbol (the newest state wins). */
const OPEN_CANDLE_INTERVAL_MS = 250;
const POLL_WAIT_MS = 100;
/** How long a revoke (and so close()) keeps retrying the last checkpoint while the store is down. */
const REVOKE_COMMIT_DEADLINE_MS = 10_000;
/** Waits between failed commits or loop turns: full jitter from 200 ms, capped at 5 s. */
const RETRY_BACKOFF: BackoffPolicy = { baseMs: 200, maxMs: 5_000 };

/**
 * Runs the processor on the log as one member of the group `tickflow-processor`: each partition it owns
 * is a PartitionTask with its own operator state, fed in offset order. Candles, alerts and side outputs
 * are committed per partition, with the state and offset, in one fenced store transaction. A partition
 * whose commit fails is paused (backpressure, without leaving the group) until a commit succeeds; one
 * whose commit is fenced is dropped. After a crash or a move, a partition resumes from its last
 * checkpoint and the idempotent writes make the replay harmless.
 */
export class ProcessorRunner {
  readonly problems: ProblemCounter;
  private readonly health: ProcessorHealth;
  private readonly publisher: LivePublisher;
  private readonly committer: Committer;
  private readonly handover: PartitionHandover;
  private consumer: LogConsumer | null = null;
  /** Partition → when its failed commit may be tried again, and how often it failed in a row. */
  private readonly retries = new Map<number, { at: number; attempt: number }>();
  /** Owned symbol → its partition, to notice a producer that partitions differently. */
  private readonly symbolPartition = new Map<string, number>();
  private lastOpenPublishAt = 0;
  private readonly stopping = new AbortController();
  private loop: Promise<void> | null = null;
  private stopSampling: () => void = () => undefined;
  /** Records processed, poison records dead-lettered and late ticks, since start. */
  readonly counters: RunnerCounters = { records: 0, poison: 0, late: 0 };

  constructor(private readonly deps: ProcessorRunnerDeps) {
    const { config, clock, logger, store, log } = deps;
    this.problems = new ProblemCounter(logger, 'processor');
    this.health = new ProcessorHealth(clock, config.settings.commitInterval);
    this.publisher = new LivePublisher(deps.cache, {
      ttlMs: config.settings.latestTtl,
      problems: this.problems,
    });
    const { problems, health, publisher } = this;
    this.committer = new Committer({ store, producer: log.producer(), publisher, problems, health, clock });
    this.handover = new PartitionHandover(
      {
        store,
        committer: this.committer,
        config,
        logger,
        problems,
        clock,
        counters: this.counters,
        revokeDeadlineMs: REVOKE_COMMIT_DEADLINE_MS,
      },
      deps.resetTo,
    );
  }

  async start(): Promise<void> {
    const consumer = await this.deps.log.consumer(PROCESSOR_GROUP, PRICES_TOPIC, this.handover);
    this.consumer = consumer;
    this.stopSampling = addSampler(() => this.sample(consumer));
    this.publisher.start();
    this.settleStarts(consumer);
    // Where a partition starts has moved (a reset, or records lost from the log): checkpoint it before
    // anything else, so a restart never goes back to an offset the log now gives to new records.
    await this.commitDue(consumer);
    this.loop = this.run(consumer);
  }

  /**
   * Stops consuming; closing the consumer revokes every partition, which commits and checkpoints it. Then
   * what is left for the cache is sent, for a bounded time.
   */
  async close(): Promise<void> {
    this.stopping.abort();
    this.stopSampling();
    await this.loop;
    try {
      await this.consumer?.close();
    } finally {
      await this.publisher.close();
    }
  }

  /** Records not yet processed. */
  async lag(): Promise<number> {
    return (await this.consumer?.lag()) ?? 0;
  }

  /** Sets the per-partition gauges for the partitions owned now, and only those. */
  private async sample(consumer: LogConsumer): Promise<void> {
    const lag = await consumer.partitionLag();
    const now = this.deps.clock();
    processorWatermark.reset();
    processorEventTimeLag.reset();
    logConsumerLag.reset();
    partitionsOwned.set(this.handover.tasks.size);
    for (const [partition, task] of this.handover.tasks) {
      const labels = { partition: String(partition) };
      logConsumerLag.set({ topic: PRICES_TOPIC, ...labels }, lag.get(partition) ?? 0);
      const watermark = task.operator.lowestWatermark();
      if (watermark === -Infinity) continue;
      processorWatermark.set(labels, watermark / 1_000);
      processorEventTimeLag.set(labels, Math.max(0, now - watermark) / 1_000);
    }
  }

  /** The partitions this processor owns now. */
  owned(): number[] {
    return [...this.handover.tasks.keys()].sort((a, b) => a - b);
  }

  /**
   * The processor's component in /health: down while commits keep failing, degraded while the lag keeps
   * growing; the detail gives the lag, then what went to the side outputs (their topics hold the records).
   */
  async describe(): Promise<ProbeResult> {
    const lag = await this.lag();
    let duplicates = 0;
    let late = 0;
    for (const task of this.handover.tasks.values()) {
      duplicates += task.operator.stats.duplicates;
      late += task.operator.stats.lateTicks;
    }
    const summary =
      `lag ${lag}; ${this.counters.poison} dead-lettered (${DEAD_LETTER_TOPIC}); ` +
      `${late} late (${LATE_TOPIC}); ${duplicates} duplicates; partitions [${this.owned().join(',')}]`;
    return this.health.status(summary);
  }

  private async run(consumer: LogConsumer): Promise<void> {
    let attempt = 0;
    while (!this.stopping.signal.aborted) {
      this.health.turned();
      try {
        if (this.health.lagSampleDue()) this.health.sampleLag(await consumer.lag());
        const healthy = await this.commitDue(consumer);
        const records = await consumer.poll(MAX_POLL_RECORDS, POLL_WAIT_MS);
        this.settleStarts(consumer);
        this.handle(records);
        // A poll that did not fill up has caught up with the log: quiet symbols' clocks may move on, however
        // busy the others are (a backlog never moves them, so a replay after a restart decides the same).
        if (records.length < MAX_POLL_RECORDS) {
          for (const task of this.handover.tasks.values()) task.operator.onProcessingTime();
        }
        this.publishOpenCandles();
        attempt = 0;
        if (healthy) this.health.succeeded();
      } catch (err) {
        this.health.failed('processing', err);
        const code = isTickflowError(err) ? err.code : 'TF_PROCESSOR';
        this.problems.report(code, 'processor loop failed; retrying', { err });
        await sleep(backoffDelay(attempt++, RETRY_BACKOFF, Math.random), this.stopping.signal);
      }
    }
  }

  /**
   * Commits every partition that is due. A failed one is paused and retried with backoff; a fenced one
   * is dropped. Returns false while some partition's commits fail.
   */
  private async commitDue(consumer: LogConsumer): Promise<boolean> {
    const now = this.deps.clock();
    for (const task of [...this.handover.tasks.values()]) {
      const retry = this.retries.get(task.partition);
      if (retry !== undefined ? now < retry.at : !(task.checkpointNow || task.due(now))) continue;
      const result = await this.committer.commit(task, task.checkpointNow);
      if (result === 'committed') {
        if (retry !== undefined) consumer.resume([task.partition]);
        this.retries.delete(task.partition);
        if (task.lastCheckpointAt === now) await this.recordPosition(consumer, task);
      } else if (result === 'fenced') {
        this.retries.delete(task.partition);
        this.handover.fenced(task.partition);
        consumer.pause([task.partition]);
      } else {
        const attempt = (retry?.attempt ?? -1) + 1;
        const delay = backoffDelay(attempt, RETRY_BACKOFF, Math.random);
        this.retries.set(task.partition, { at: now + delay, attempt });
        consumer.pause([task.partition]);
      }
    }
    for (const partition of this.retries.keys()) {
      if (!this.handover.tasks.has(partition)) this.retries.delete(partition);
    }
    return this.retries.size === 0;
  }

  /** Records the group's position in the log too (informational: the checkpoints are the truth). */
  private async recordPosition(consumer: LogConsumer, task: PartitionTask): Promise<void> {
    await consumer.commit(new Map([[task.partition, task.next]])).catch((err: unknown) => {
      this.problems.report('TF_LOG_COMMIT', 'could not record the consumer position (informational only)', {
        err,
      });
    });
  }

  /** Tasks assigned since the last turn learn where the log really starts them. */
  private settleStarts(consumer: LogConsumer): void {
    const positions = consumer.positions();
    for (const task of this.handover.tasks.values()) {
      const position = positions.get(task.partition);
      if (position === undefined) continue;
      const lostFrom = task.settling ? task.started(position) : null;
      if (lostFrom === null) continue;
      this.deps.logger.error(
        {
          topic: PRICES_TOPIC,
          partition: task.partition,
          checkpointOffset: lostFrom.toString(),
          logEnd: position.toString(),
          lostOffsets: (lostFrom - position).toString(),
        },
        'processor: the checkpoint is ahead of the end of the log, so records it covers were lost from the log; ' +
          "continuing from the end of the log with the checkpoint's state",
      );
    }
  }

  private handle(records: readonly LogRecord[]): void {
    if (records.length === 0) return;
    const byPartition = new Map<number, LogRecord[]>();
    for (const record of records) {
      const list = byPartition.get(record.partition);
      if (list === undefined) byPartition.set(record.partition, [record]);
      else list.push(record);
    }
    const batch: HandledBatch = { newest: new Map(), signals: [], partitionOf: new Map() };
    for (const [partition, list] of byPartition) {
      const task = this.handover.tasks.get(partition);
      if (task === undefined) {
        throw new TickflowError(
          'TF_PROCESSOR',
          `polled records of partition ${partition}, which is not owned`,
        );
      }
      task.handle(list, batch);
    }
    for (const [symbol, partition] of batch.partitionOf) this.notePartition(symbol, partition);
    this.publisher.ticks(batch.newest.values());
    for (const { symbol, stale } of batch.signals) this.publisher.signal(symbol, stale);
  }

  /** Reports, once per move, a symbol that arrives on a partition other than the one it came on before. */
  private notePartition(symbol: string, partition: number): void {
    const before = this.symbolPartition.get(symbol);
    this.symbolPartition.set(symbol, partition);
    if (before === undefined || before === partition || !this.handover.tasks.has(before)) return;
    this.problems.report(
      'TF_PARTITION_MISMATCH',
      'a symbol arrived on two partitions; each keeps its own state',
      {
        symbol,
        from: before,
        to: partition,
      },
    );
  }

  /** Publishes the in-progress candles of the symbols that changed, at most every 250 ms. */
  private publishOpenCandles(): void {
    const now = this.deps.clock();
    if (now - this.lastOpenPublishAt < OPEN_CANDLE_INTERVAL_MS) return;
    const open: Candle[] = [];
    for (const task of this.handover.tasks.values()) {
      for (const symbol of task.openChanged) open.push(...task.operator.openCandles(symbol));
      task.openChanged.clear();
    }
    if (open.length === 0) return;
    this.lastOpenPublishAt = now;
    this.publisher.candles(open);
  }
}
