/**
 * The durable log: topics split into partitions, records addressed by offset, consumer groups. The
 * embedded log and the Kafka adapter both implement this; nothing else in tickflow knows which it has.
 */

/** Topic names kept from the original design. */
export const PRICES_TOPIC = 'crypto-prices';
export const ALERTS_TOPIC = 'crypto-alerts';
export const PRICES_PARTITIONS = 3;
export const ALERTS_PARTITIONS = 1;

/**
 * A position in a partition, from 0. Kafka offsets are int64, so offsets are bigints everywhere: a number
 * would silently lose precision past 2^53.
 */
export type Offset = bigint;

export interface LogRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: Offset;
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
  readonly lastOffset: Offset;
  readonly reason: string;
  /** The damaged bytes, where the log knows them (null when no file holds the offsets). */
  readonly location: { readonly file: string; readonly start: number; readonly end: number } | null;
}

/** The offset after a record (after every offset a placeholder stands for). */
export const offsetAfter = (record: LogRecord): Offset =>
  (record.unreadable?.lastOffset ?? record.offset) + 1n;

/** Kafka's auto.offset.reset names: the oldest retained record, or the end of the partition. */
export const OFFSET_RESETS = ['earliest', 'latest'] as const;
export type OffsetReset = (typeof OFFSET_RESETS)[number];

/** Where a consumer starts reading a partition: an offset, or one of its ends. */
export type StartPosition = Offset | OffsetReset;

export interface OutgoingRecord {
  /** Records with the same key go to the same partition, in order. */
  readonly key: string | null;
  readonly value: string;
}

export interface LogProducer {
  /** Appends records; resolves once they are durable (fsynced, or acknowledged by all in-sync replicas). */
  send(topic: string, records: readonly OutgoingRecord[]): Promise<void>;
}

/**
 * A member's place in its consumer group: its id and the group's generation (Kafka's generation id), which
 * grows with every rebalance. Callbacks receive the membership they belong to.
 */
export interface Membership {
  readonly memberId: string;
  readonly generation: number;
}

/**
 * What a member does when the group moves partitions. The log calls these only from inside `poll()`,
 * `consumer()` and `close()`, one at a time, and waits for each to settle, so they never run while the
 * caller is working on records it polled.
 */
export interface ConsumerHandlers {
  /**
   * Partitions were assigned to this member. Returns where to start reading each one: the offset after
   * the last one whose effects are already stored (tickflow keeps offsets in its own checkpoints), or an
   * end; a partition left out starts at the group's committed offset, else at the oldest record. An
   * offset past the end of the partition (records were lost from it after they were read) starts at the
   * end, as Kafka's `auto.offset.reset=latest` does; `positions()` then tells where. A rejection leaves
   * the partitions unassigned and the group moves them again.
   */
  onAssigned(
    partitions: readonly number[],
    membership: Membership,
  ): Promise<ReadonlyMap<number, StartPosition>>;
  /**
   * Partitions are being taken away in an orderly rebalance (or at close): commit their work, then let
   * go. The log hands them on only after this settles.
   */
  onRevoked(partitions: readonly number[], membership: Membership): Promise<void>;
  /**
   * Partitions were taken away without a revoke: the member was expelled (a session timeout, a long
   * pause) and another member may own them already. Let go without committing anything.
   */
  onLost(partitions: readonly number[], membership: Membership): Promise<void>;
}

export interface LogConsumer {
  /**
   * Waits up to `maxWaitMs` for records on the assigned, unpaused partitions and returns at most
   * `maxRecords`, in offset order within each partition (a placeholder for unreadable records among
   * them). Returns an empty array on timeout. Keeps the member in its group, and runs the rebalance
   * callbacks when the group changes.
   */
  poll(maxRecords: number, maxWaitMs: number): Promise<LogRecord[]>;
  /** Records the group's position (next offset per partition), for lag monitoring and tooling. */
  commit(offsets: ReadonlyMap<number, Offset>): Promise<void>;
  /**
   * Stops fetching from these assigned partitions, keeping them assigned and the member in its group
   * (backpressure); `resume` fetches again from where it stopped. A revoke or loss forgets the pause.
   */
  pause(partitions: readonly number[]): void;
  resume(partitions: readonly number[]): void;
  paused(): readonly number[];
  /** Partitions currently assigned. */
  assignment(): readonly number[];
  /** This member's id and generation, or null while it is not in the group. */
  membership(): Membership | null;
  /** The offset the next poll reads from, per assigned partition. */
  positions(): ReadonlyMap<number, Offset>;
  /** Records not yet consumed on the assigned partitions. */
  lag(): Promise<number>;
  /** The same, per assigned partition. */
  partitionLag(): Promise<ReadonlyMap<number, number>>;
  /** Revokes the assigned partitions (`onRevoked`), leaves the group and disconnects. */
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
