import type { ErrorCode } from '../error-codes.js';
import type { Config } from '../config/load-config.js';
import type { Alert } from '../domain/alert.js';
import type { Candle } from '../domain/candle.js';
import { type Tick, tickToJson } from '../domain/tick.js';
import { epochMs } from '../domain/time.js';
import type { LogRecord, Offset, OutgoingRecord } from '../log/log.js';
import {
  processorDeadLetters,
  processorDuplicateTicks,
  processorLateTicks,
  processorRecordsIn,
} from '../metrics/metrics.js';
import { decodeCheckpoint, encodeCheckpoint, snapshotOperator } from '../processor/checkpoint-codec.js';
import type { LateTick } from '../processor/processor-output.js';
import type { WindowOperator } from '../processor/window-operator.js';
import type { CommitBatch, PartitionClaim } from '../store/store.js';
import { restoreCheckpoint } from './checkpoint-restore.js';
import { createOperator } from './create-operator.js';
import { decodePriceMessage } from './price-message.js';
import type { ProblemCounter } from './problem-counter.js';
import { DEAD_LETTER_TOPIC, LATE_TOPIC } from './topics.js';

/**
 * The most of a poison record's key and value a dead letter carries, in characters: enough to see what
 * it was, and small enough that the dead letter fits the log's record limit (the embedded log's and
 * Kafka's default are 1 MiB) however big the record was, even with every character escaped in JSON.
 */
export const MAX_DEAD_LETTER_CHARS = 32 * 1024;

const clip = (text: string): string =>
  text.length > MAX_DEAD_LETTER_CHARS ? text.slice(0, MAX_DEAD_LETTER_CHARS) : text;

/** Records processed, poison records dead-lettered and late ticks. */
export interface RunnerCounters {
  records: number;
  poison: number;
  late: number;
}

/** What a batch of records changed, for the live cache. */
export interface HandledBatch {
  /** The newest tick of each symbol. */
  readonly newest: Map<string, Tick>;
  /** Heartbeats (false) and gap markers (true), in log order. */
  readonly signals: { readonly symbol: string; readonly stale: boolean }[];
  /** The partition each symbol in the batch came on. */
  readonly partitionOf: Map<string, number>;
}

export interface SideOutput {
  readonly topic: string;
  readonly record: OutgoingRecord;
}

/**
 * One partition this processor owns: its own window operator (its symbols' windows, clocks, dedup and
 * detector state), the epoch its claim got, how far it has been processed, and the outputs not committed
 * yet. Everything a partition is lives here, so a handover moves or drops exactly one of these.
 */
export class PartitionTask {
  readonly operator: WindowOperator;
  /** The next offset to process. */
  next: Offset;
  /** The offset the checkpoint asked to start at (null: none), until the log says where it really starts. */
  private readonly asked: Offset | null;
  /** The log has not yet said where it starts the partition. */
  settling = true;
  private candles: Candle[] = [];
  private alerts: Alert[] = [];
  private side: SideOutput[] = [];
  /** Symbols whose in-progress candles changed since they were last published. */
  readonly openChanged = new Set<string>();
  /** Records were processed since the last checkpoint of the state. */
  statePending = false;
  /** Checkpoint at the next turn, whatever the interval: where the partition starts has changed. */
  checkpointNow = false;
  lastCommitAt: number;
  lastCheckpointAt: number;
  constructor(
    readonly partition: number,
    readonly claim: PartitionClaim,
    private readonly config: Config,
    private readonly problems: ProblemCounter,
    /** The processor's counters since it started, which every task adds to. */
    private readonly counters: RunnerCounters,
    clock: () => number,
  ) {
    this.operator = createOperator(
      config,
      {
        candle: (candle) => this.candles.push(candle),
        alert: (alert) => this.alerts.push(alert),
        late: (late) => {
          this.onLate(late);
        },
      },
      () => epochMs(clock()),
    );
    const { checkpoint } = claim;
    if (checkpoint !== null) restoreCheckpoint(this.operator, decodeCheckpoint(checkpoint.state), partition);
    this.asked = checkpoint?.nextOffset ?? null;
    this.next = checkpoint?.nextOffset ?? 0n;
    this.lastCommitAt = clock();
    this.lastCheckpointAt = clock();
  }

  /**
   * Notes where the log really starts the partition. Returns the checkpoint's offset when it was ahead of
   * that (records it covers were lost from the log), so the caller can report it and checkpoint the start.
   */
  started(position: Offset): Offset | null {
    const { asked } = this;
    this.settling = false;
    this.next = position;
    if (asked === null || asked <= position) return null;
    this.statePending = true;
    this.checkpointNow = true;
    return asked;
  }

  /**
   * Feeds records of this partition, in offset order, to the operator. A record of a symbol the partition
   * holds no state for, once it holds `maxSymbols`, is dead-lettered: a producer of endless new symbols
   * cannot grow the state without bound, and the symbols it has go on. The count is restored with the
   * checkpoint and the records come in log order, so a replay after a crash or a move decides the same.
   */
  handle(records: readonly LogRecord[], batch: HandledBatch): void {
    const { futureHorizon, maxSymbols } = this.config.settings;
    const duplicates = this.operator.stats.duplicates;
    processorRecordsIn.inc(records.length);
    for (const record of records) {
      this.counters.records++;
      if (record.unreadable !== undefined) {
        this.deadLetter(record, 'TF_LOG_UNREADABLE', record.unreadable.reason);
        this.next = record.unreadable.lastOffset + 1n;
        continue;
      }
      this.next = record.offset + 1n;
      const appendedAt = epochMs(record.timestamp);
      const decoded = decodePriceMessage(record.value, { appendedAt, futureHorizonMs: futureHorizon });
      if (!decoded.ok) {
        this.deadLetter(record, decoded.code, decoded.reason);
        continue;
      }
      const { message } = decoded;
      const symbol = message.type === 'tick' ? message.tick.symbol : message.symbol;
      if (!this.operator.tracks(symbol) && this.operator.symbolCount >= maxSymbols) {
        this.deadLetter(
          record,
          'TF_SYMBOL_LIMIT',
          `${symbol} would be a new symbol in partition ${this.partition}, which holds state for ` +
            `TICKFLOW_MAX_SYMBOLS (${maxSymbols}) already`,
        );
        continue;
      }
      batch.partitionOf.set(symbol, this.partition);
      if (message.type !== 'tick') {
        batch.signals.push({ symbol: message.symbol, stale: message.type === 'gap' });
        continue;
      }
      const { tick } = message;
      this.operator.process(tick);
      this.openChanged.add(tick.symbol);
      const previous = batch.newest.get(tick.symbol);
      if (previous === undefined || tick.ts >= previous.ts) batch.newest.set(tick.symbol, tick);
    }
    if (records.length > 0) this.statePending = true;
    processorDuplicateTicks.inc(this.operator.stats.duplicates - duplicates);
  }

  /** Whether a commit is due: outputs wait at most a commit interval, state a checkpoint interval. */
  due(now: number): boolean {
    const { commitInterval, checkpointInterval } = this.config.settings;
    const outputs = this.candles.length + this.alerts.length + this.side.length > 0;
    return (
      (outputs && now - this.lastCommitAt >= commitInterval) ||
      (this.statePending && now - this.lastCheckpointAt >= checkpointInterval)
    );
  }

  /** The pending outputs as one fenced batch, with the state when `withState`; null when nothing is pending. */
  pending(group: string, now: number, force: boolean): { batch: CommitBatch; side: SideOutput[] } | null {
    const withState =
      this.statePending && (force || now - this.lastCheckpointAt >= this.config.settings.checkpointInterval);
    if (!withState && this.candles.length + this.alerts.length + this.side.length === 0) return null;
    const checkpoints = withState
      ? [
          {
            partition: this.partition,
            nextOffset: this.next,
            state: encodeCheckpoint(snapshotOperator(this.operator)),
          },
        ]
      : [];
    const fence = { partition: this.partition, epoch: this.claim.epoch };
    return {
      batch: { group, fence, checkpoints, candles: this.candles, alerts: this.alerts },
      side: this.side,
    };
  }

  /** The batch from `pending` is stored: forget its outputs. */
  committed(batch: CommitBatch, now: number): void {
    this.candles = this.candles.slice(batch.candles.length);
    this.alerts = this.alerts.slice(batch.alerts.length);
    this.lastCommitAt = now;
    if (batch.checkpoints.length > 0) {
      this.statePending = false;
      this.checkpointNow = false;
      this.lastCheckpointAt = now;
    }
  }

  /** The side outputs from `pending` are in the log. */
  sideFlushed(count: number): void {
    this.side = this.side.slice(count);
  }

  private deadLetter(record: LogRecord, code: ErrorCode, reason: string): void {
    this.counters.poison++;
    processorDeadLetters.inc({ code });
    const offset = record.offset.toString();
    this.problems.report(code, 'poison record sent to the dead-letter topic', {
      partition: record.partition,
      offset,
      reason,
    });
    const { unreadable } = record;
    const key = record.key === null ? null : clip(record.key);
    const cut = record.value.length > MAX_DEAD_LETTER_CHARS || key !== record.key;
    const value = JSON.stringify({
      code,
      reason,
      topic: record.topic,
      partition: record.partition,
      offset,
      ...(unreadable === undefined
        ? { key, value: clip(record.value) }
        : { lastOffset: unreadable.lastOffset.toString(), location: unreadable.location }),
      // A record too big to copy whole keeps its start and says how long it was.
      ...(cut ? { truncated: true, keyLength: record.key?.length, valueLength: record.value.length } : {}),
    });
    this.side.push({ topic: DEAD_LETTER_TOPIC, record: { key, value } });
  }

  private onLate(late: LateTick): void {
    this.counters.late++;
    processorLateTicks.inc();
    const value = JSON.stringify({
      ...tickToJson(late.tick),
      interval: late.interval,
      window_start: late.windowStart,
      accepted: late.accepted,
    });
    this.side.push({ topic: LATE_TOPIC, record: { key: late.tick.symbol, value } });
  }
}
