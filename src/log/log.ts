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
  /** Append time, epoch ms. */
  readonly timestamp: number;
}

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
   * the last one whose effects are already stored (tickflow keeps offsets in its own checkpoints).
   */
  onAssigned(partitions: readonly number[]): Promise<ReadonlyMap<number, number>>;
  /** Partitions are being taken away; finish and checkpoint their work before this resolves. */
  onRevoked(partitions: readonly number[]): Promise<void>;
}

export interface LogConsumer {
  /**
   * Waits up to `maxWaitMs` for records on the assigned partitions and returns at most `maxRecords`, in
   * offset order within each partition. Returns an empty array on timeout.
   */
  poll(maxRecords: number, maxWaitMs: number): Promise<LogRecord[]>;
  /** Records the group's position (next offset per partition), for lag monitoring and tooling. */
  commit(offsets: ReadonlyMap<number, number>): Promise<void>;
  /** Partitions currently assigned. */
  assignment(): readonly number[];
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
  /** Throws a retriable TickflowError when the log cannot be reached. */
  health(): Promise<void>;
  close(): Promise<void>;
}
