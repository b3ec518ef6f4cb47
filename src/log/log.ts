/**
 * The durable log: topics split into partitions, records addressed by offset, consumer groups. The
 * embedded log and the Kafka adapter both implement this; nothing else in tickflow knows which it has.
 */

/** Topic names kept from the original design. */
export const PRICES_TOPIC = 'crypto-prices';
export const ALERTS_TOPIC = 'crypto-alerts';
export const PRICES_PARTITIONS = 3;
export const ALERTS_PARTITIONS = 1;

export interface LogRecord {
  readonly topic: string;
  readonly partition: number;
  /** Position in the partition, from 0. */
  readonly offset: number;
  readonly key: string | null;
  /** The payload as text (tickflow writes JSON). */
  readonly value: string;
  /** Append time, epoch ms (-1 on a placeholder for unreadable records). */
  readonly timestamp: number;
  /**
   * Set on a placeholder for records the log cannot read (damaged on disk, or lost): it stands for the
   * offsets `offset..unreadable.lastOffset`, its key is null and its value empty. A consumer reads on
   * after it, so damage never stalls a reader; the processor puts it in its dead-letter topic.
   */
  readonly unreadable?: Unreadable;
}

export interface Unreadable {
  /** The last offset the placeholder stands for. */
  readonly lastOffset: number;
  readonly reason: string;
  /** The damaged bytes, where the log knows them (null when no file holds the offsets). */
  readonly location: { readonly file: string; readonly start: number; readonly end: number } | null;
}

/** The offset after a record (after every offset a placeholder stands for). */
export const offsetAfter = (record: LogRecord): number =>
  (record.unreadable?.lastOffset ?? record.offset) + 1;

/** Kafka's auto.offset.reset names: the oldest retained record, or the end of the partition. */
export const OFFSET_RESETS = ['earliest', 'latest'] as const;
export type OffsetReset = (typeof OFFSET_RESETS)[number];

/** Where a consumer starts reading a partition: an offset, or one of its ends. */
export type StartPosition = number | OffsetReset;

export interface OutgoingRecord {
  /** Records with the same key go to the same partition, in order. */
  readonly key: string | null;
  readonly value: string;
}

export interface LogProducer {
  /** Appends records; resolves once they are durable (fsynced, or acknowledged by all in-sync replicas). */
  send(topic: string, records: readonly OutgoingRecord[]): Promise<void>;
}

export interface ConsumerHandlers {
  /**
   * Partitions were assigned to this member. Returns where to start reading each one: the offset after
   * the last one whose effects are already stored (tickflow keeps offsets in its own checkpoints), or an
   * end; a partition left out starts at the group's committed offset, else at the oldest record. An
   * offset past the end of the partition (records were lost from it after they were read) starts at the
   * end, as Kafka's `auto.offset.reset=latest` does; `positions()` then tells where.
   */
  onAssigned(partitions: readonly number[]): Promise<ReadonlyMap<number, StartPosition>>;
  /** Partitions are being taken away; finish and checkpoint their work before this resolves. */
  onRevoked(partitions: readonly number[]): Promise<void>;
}

export interface LogConsumer {
  /**
   * Waits up to `maxWaitMs` for records on the assigned partitions and returns at most `maxRecords`, in
   * offset order within each partition (a placeholder for unreadable records among them). Returns an
   * empty array on timeout.
   */
  poll(maxRecords: number, maxWaitMs: number): Promise<LogRecord[]>;
  /** Records the group's position (next offset per partition), for lag monitoring and tooling. */
  commit(offsets: ReadonlyMap<number, number>): Promise<void>;
  /** Partitions currently assigned. */
  assignment(): readonly number[];
  /** The offset the next poll reads from, per assigned partition. */
  positions(): ReadonlyMap<number, number>;
  /** Records not yet consumed on the assigned partitions. */
  lag(): Promise<number>;
  close(): Promise<void>;
}

export interface Log {
  readonly kind: 'embedded' | 'kafka';
  start(): Promise<void>;
  /** Creates the topic if it does not exist (idempotent). */
  ensureTopic(topic: string, partitions: number): Promise<void>;
  producer(): LogProducer;
  consumer(groupId: string, topic: string, handlers: ConsumerHandlers): Promise<LogConsumer>;
  /** Throws a retriable TickflowError when the log cannot be reached or its writes are failing. */
  health(): Promise<void>;
  close(): Promise<void>;
}
