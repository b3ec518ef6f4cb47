import type { Cache } from '../cache/cache.js';
import type { Config } from '../config/load-config.js';
import type { Candle } from '../domain/candle.js';
import { type Tick, tickToJson } from '../domain/tick.js';
import { epochMs } from '../domain/time.js';
import { TickflowError, isTickflowError } from '../errors.js';
import {
  type Log,
  type LogConsumer,
  type LogRecord,
  type OffsetReset,
  PRICES_TOPIC,
  type StartPosition,
} from '../log/log.js';
import { type BackoffPolicy, backoffDelay } from '../lib/backoff.js';
import { sleep } from '../lib/sleep.js';
import type { Logger } from '../logger.js';
import { createOperator } from './create-operator.js';
import type { LateTick } from '../processor/processor-output.js';
import type { WindowOperator } from '../processor/window-operator.js';
import type { Store } from '../store/store.js';
import { Committer } from './committer.js';
import { LivePublisher } from './live-publisher.js';
import type { ProbeResult } from './health-check.js';
import { PartitionStates } from './partition-states.js';
import { decodePriceMessage } from './price-message.js';
import { ProblemCounter } from './problem-counter.js';
import { ProcessorHealth } from './processor-health.js';
import { DEAD_LETTER_TOPIC, LATE_TOPIC, PROCESSOR_GROUP } from './topics.js';

export interface ProcessorRunnerDeps {
  readonly log: Log;
  readonly store: Store;
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
/** How long close() keeps retrying the last checkpoint while the store is down, before it gives up. */
const CLOSE_COMMIT_DEADLINE_MS = 10_000;
/** Waits between failed loop turns (a commit or a poll): full jitter from 200 ms, capped at 5 s. */
const RETRY_BACKOFF: BackoffPolicy = { baseMs: 200, maxMs: 5_000 };

/**
 * Runs the processor on the log: consumes `crypto-prices`, feeds the window operator, publishes live
 * updates to the cache, and hands candles, alerts and side outputs to the Committer, which writes them
 * with the operator state and offsets. A store outage stops consumption until a commit succeeds, so
 * nothing is lost; after a crash, processing resumes from the last checkpoint and the idempotent writes
 * make the replay harmless.
 */
export class ProcessorRunner {
  readonly problems: ProblemCounter;
  private readonly health: ProcessorHealth;
  private readonly operator: WindowOperator;
  private readonly states: PartitionStates;
  private readonly publisher: LivePublisher;
  private consumer: LogConsumer | null = null;
  private committer: Committer | null = null;
  /** Symbols whose in-progress candles changed since they were last published. */
  private readonly openChanged = new Set<string>();
  private lastOpenPublishAt = 0;
  private readonly stopping = new AbortController();
  private loop: Promise<void> | null = null;
  readonly counters = { records: 0, poison: 0, late: 0 };

  constructor(private readonly deps: ProcessorRunnerDeps) {
    this.problems = new ProblemCounter(deps.logger, 'processor');
    this.health = new ProcessorHealth(deps.clock, deps.config.settings.commitInterval);
    this.operator = createOperator(
      deps.config,
      {
        candle: (candle) => {
          this.sink().candle(candle);
        },
        alert: (alert) => {
          this.sink().alert(alert);
        },
        late: (late) => {
          this.onLate(late);
        },
      },
      () => epochMs(deps.clock()),
    );
    this.states = new PartitionStates(this.operator);
    this.publisher = new LivePublisher(deps.cache, deps.config.settings.latestTtl, this.problems);
  }

  async start(): Promise<void> {
    const { log, store, config, clock } = this.deps;
    const consumer = await log.consumer(PROCESSOR_GROUP, PRICES_TOPIC, {
      onAssigned: (partitions) => this.assigned(partitions),
      onRevoked: async (partitions) => {
        await this.committer?.commit(true);
        this.states.revoke(partitions);
      },
    });
    this.consumer = consumer;
    this.committer = new Committer({
      store,
      producer: log.producer(),
      consumer,
      states: this.states,
      publisher: this.publisher,
      problems: this.problems,
      health: this.health,
      clock,
      commitIntervalMs: config.settings.commitInterval,
      checkpointIntervalMs: config.settings.checkpointInterval,
    });
    await this.settleStarts(consumer, this.committer);
    this.loop = this.run();
  }

  private async assigned(partitions: readonly number[]): Promise<Map<number, StartPosition>> {
    const { resetTo, store } = this.deps;
    if (resetTo !== undefined) return new Map(partitions.map((p) => [p, resetTo]));
    return this.states.assign(partitions, await store.loadCheckpoints(PROCESSOR_GROUP, partitions));
  }

  /**
   * When the log starts a partition elsewhere than its checkpoint says (a reset, or a checkpoint ahead
   * of the end of the log because records were lost from it), checkpoints the new starts at once: a
   * restart must never go back to the old offset, which the log now gives to new records.
   */
  private async settleStarts(consumer: LogConsumer, committer: Committer): Promise<void> {
    const { logger, resetTo } = this.deps;
    const lost = this.states.started(consumer.positions());
    for (const { partition, checkpointOffset, logEnd } of lost) {
      logger.error(
        { topic: PRICES_TOPIC, partition, checkpointOffset, logEnd, lostOffsets: checkpointOffset - logEnd },
        'processor: the checkpoint is ahead of the end of the log, so records it covers were lost from the log; ' +
          "continuing from the end of the log with the checkpoint's state",
      );
    }
    if (resetTo !== undefined) {
      logger.warn(
        { resetTo, positions: Object.fromEntries(consumer.positions()) },
        'processor: discarding the stored checkpoints; every partition starts with no state',
      );
    }
    if (lost.length === 0 && resetTo === undefined) return;
    committer.processed();
    if (!(await committer.commit(true))) {
      throw new TickflowError(
        'TF_PROCESSOR_START',
        'could not checkpoint where the processor starts: the store refused the commit',
      );
    }
  }

  /** Stops consuming, commits and checkpoints what was processed, and closes the consumer. */
  async close(): Promise<void> {
    this.stopping.abort();
    await this.loop;
    const committer = this.committer;
    const deadline = this.deps.clock() + CLOSE_COMMIT_DEADLINE_MS;
    while (committer !== null && !(await committer.commit(true)) && this.deps.clock() < deadline)
      await sleep(250);
    await this.consumer?.close();
  }

  /** Records not yet processed. */
  async lag(): Promise<number> {
    return (await this.consumer?.lag()) ?? 0;
  }

  /**
   * The processor's component in /health: down while commits keep failing, degraded while the lag keeps
   * growing; the detail gives the lag, then what went to the side outputs (their topics hold the records).
   */
  async describe(): Promise<ProbeResult> {
    const { stats } = this.operator;
    const lag = await this.lag();
    const summary =
      `lag ${lag}; ${this.counters.poison} dead-lettered (${DEAD_LETTER_TOPIC}); ` +
      `${stats.lateTicks} late (${LATE_TOPIC}); ${stats.duplicates} duplicates`;
    return this.health.status(summary);
  }

  private sink(): Committer {
    if (this.committer === null)
      throw new TickflowError('TF_PROCESSOR_NOT_STARTED', 'the processor emitted before start()');
    return this.committer;
  }

  private async run(): Promise<void> {
    const consumer = this.consumer;
    const committer = this.committer;
    if (consumer === null || committer === null) return;
    let attempt = 0;
    while (!this.stopping.signal.aborted) {
      this.health.turned();
      try {
        if (this.health.lagSampleDue()) this.health.sampleLag(await consumer.lag());
        if (committer.due() && !(await committer.commit())) {
          await sleep(backoffDelay(attempt++, RETRY_BACKOFF, Math.random), this.stopping.signal);
          continue; // the store is down: do not consume more until the commit goes through
        }
        attempt = 0;
        const records = await consumer.poll(MAX_POLL_RECORDS, POLL_WAIT_MS);
        if (records.length > 0) await this.handle(records);
        // A poll that did not fill up has caught up with the log: quiet symbols' clocks may move on, however
        // busy the others are (a backlog never moves them, so a replay after a restart decides the same).
        if (records.length < MAX_POLL_RECORDS) this.operator.onProcessingTime();
        await this.publishOpenCandles();
        this.health.succeeded();
      } catch (err) {
        this.health.failed('processing', err);
        this.problems.report(
          isTickflowError(err) ? err.code : 'TF_PROCESSOR',
          'processor loop failed; retrying',
          {
            err,
          },
        );
        await sleep(backoffDelay(attempt++, RETRY_BACKOFF, Math.random), this.stopping.signal);
      }
    }
  }

  private async handle(records: readonly LogRecord[]): Promise<void> {
    const newest = new Map<string, Tick>();
    const signals: Promise<void>[] = [];
    for (const record of records) {
      this.counters.records++;
      if (record.unreadable !== undefined) {
        this.deadLetter(record, 'TF_LOG_UNREADABLE', record.unreadable.reason);
        this.states.processed(null, record.partition, record.unreadable.lastOffset);
        continue;
      }
      const decoded = decodePriceMessage(record.value, {
        appendedAt: epochMs(record.timestamp),
        futureHorizonMs: this.deps.config.settings.futureHorizon,
      });
      if (!decoded.ok) {
        this.deadLetter(record, decoded.code, decoded.reason);
        this.states.processed(null, record.partition, record.offset);
        continue;
      }
      const message = decoded.message;
      const symbol = message.type === 'tick' ? message.tick.symbol : message.symbol;
      const movedFrom = this.states.processed(symbol, record.partition, record.offset);
      if (movedFrom !== undefined) {
        this.problems.report(
          'TF_PARTITION_MISMATCH',
          'a symbol arrived on two partitions; its state follows the newest',
          {
            symbol,
            from: movedFrom,
            to: record.partition,
          },
        );
      }
      if (message.type === 'tick') {
        this.operator.process(message.tick);
        const previous = newest.get(symbol);
        if (previous === undefined || message.tick.ts >= previous.ts) newest.set(symbol, message.tick);
      } else {
        signals.push(this.publisher.signal(symbol, message.type === 'gap'));
      }
    }
    this.sink().processed();
    for (const symbol of newest.keys()) this.openChanged.add(symbol);
    await Promise.all([this.publisher.ticks(newest.values()), ...signals]);
  }

  /** Publishes the in-progress candles of the symbols that changed, at most every 250 ms. */
  private async publishOpenCandles(): Promise<void> {
    const now = this.deps.clock();
    if (this.openChanged.size === 0 || now - this.lastOpenPublishAt < OPEN_CANDLE_INTERVAL_MS) return;
    this.lastOpenPublishAt = now;
    const open: Candle[] = [];
    for (const symbol of this.openChanged) open.push(...this.operator.openCandles(symbol));
    this.openChanged.clear();
    await this.publisher.candles(open);
  }

  private deadLetter(record: LogRecord, code: string, reason: string): void {
    this.counters.poison++;
    this.problems.report(code, 'poison record sent to the dead-letter topic', {
      partition: record.partition,
      offset: record.offset,
      reason,
    });
    const { unreadable } = record;
    const value = JSON.stringify({
      code,
      reason,
      topic: record.topic,
      partition: record.partition,
      offset: record.offset,
      ...(unreadable === undefined
        ? { key: record.key, value: record.value }
        : { lastOffset: unreadable.lastOffset, location: unreadable.location }),
    });
    this.sink().sideOutput(DEAD_LETTER_TOPIC, { key: record.key, value });
  }

  private onLate(late: LateTick): void {
    this.counters.late++;
    const value = JSON.stringify({
      ...tickToJson(late.tick),
      interval: late.interval,
      window_start: late.windowStart,
      accepted: late.accepted,
    });
    this.sink().sideOutput(LATE_TOPIC, { key: late.tick.symbol, value });
  }
}
