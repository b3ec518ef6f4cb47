import type { Logger } from '../logger.js';
import type { AppendNotifier } from './append-notifier.js';
import type { GroupOffsets } from './group-offsets.js';
import type { EmbeddedGroup } from './embedded-group.js';
import {
  type ConsumerHandlers,
  type LogConsumer,
  type LogRecord,
  type Membership,
  type Offset,
  offsetAfter,
  type StartPosition,
} from './log.js';
import { LogError } from './log-errors.js';
import type { Partition } from './partition.js';
import type { Topic } from './topic.js';

/** A waiting poll heartbeats at least this often, so a quiet member is never expelled. */
const HEARTBEAT_MS = 1_000;

export interface ConsumerDeps {
  readonly group: string;
  readonly topic: Topic;
  readonly handlers: ConsumerHandlers;
  readonly notifier: AppendNotifier;
  readonly offsets: GroupOffsets;
  /** The group's coordinator, shared by its members in this process. */
  readonly coordinator: EmbeddedGroup;
  readonly logger: Logger;
  /** Called once the consumer has closed, so the log forgets it. */
  readonly onClosed: () => void;
}

/**
 * A member of a consumer group of the embedded log. At every poll it heartbeats and follows the group:
 * partitions it was expelled from are lost (`onLost`), partitions that moved to another member are
 * revoked (`onRevoked`, then released), and free partitions of its share are assigned (`onAssigned`).
 * Positions start where `onAssigned` says (else at the group's committed offset, else at the oldest
 * retained record; an offset past the end at the end) and move as `poll` hands out records.
 */
export class EmbeddedConsumer implements LogConsumer {
  private readonly next = new Map<number, number>();
  private readonly pausedSet = new Set<number>();
  private readonly closer = new AbortController();
  private state: 'open' | 'closing' | 'closed' = 'open';
  private polling = false;
  private rotation = 0;
  private closing: Promise<void> | null = null;
  private inflight: Promise<unknown> | null = null;
  private memberId: string;

  private constructor(private readonly deps: ConsumerDeps) {
    this.memberId = deps.coordinator.join();
  }

  static async create(deps: ConsumerDeps): Promise<EmbeddedConsumer> {
    const consumer = new EmbeddedConsumer(deps);
    try {
      await consumer.rebalance();
    } catch (err) {
      deps.coordinator.leave(consumer.memberId);
      throw err;
    }
    return consumer;
  }

  membership(): Membership | null {
    return this.state === 'closed'
      ? null
      : { memberId: this.memberId, generation: this.deps.coordinator.generation };
  }

  /** Follows the group: loses, revokes and takes partitions as the coordinator says. */
  private async rebalance(): Promise<void> {
    const { coordinator, handlers } = this.deps;
    if (!coordinator.heartbeat(this.memberId)) {
      const lost = this.assignment();
      this.forget(lost);
      if (lost.length > 0) await handlers.onLost(lost, this.currentMembership());
      coordinator.forget(this.memberId);
      this.memberId = coordinator.join();
    }
    const target = new Set(coordinator.target(this.memberId));
    const revoked = this.assignment().filter((p) => !target.has(p));
    if (revoked.length > 0) await this.revoke(revoked);
    const owned = new Set(this.next.keys());
    const assigned = coordinator.free([...target].filter((p) => !owned.has(p)));
    if (assigned.length > 0) await this.assign(assigned);
    coordinator.heartbeat(this.memberId);
  }

  private async revoke(partitions: readonly number[]): Promise<void> {
    try {
      await this.deps.handlers.onRevoked(partitions, this.currentMembership());
    } finally {
      this.forget(partitions);
      this.deps.coordinator.release(this.memberId, partitions);
    }
  }

  private async assign(partitions: readonly number[]): Promise<void> {
    const { topic, handlers, offsets, group, coordinator } = this.deps;
    coordinator.take(this.memberId, partitions);
    try {
      const starts = await handlers.onAssigned(partitions, this.currentMembership());
      const committed = await offsets.committed(group, topic.name);
      for (const id of partitions) {
        const partition = topic.partitions[id] as Partition;
        const stored = committed.get(id);
        const start = starts.get(id) ?? (stored === undefined ? 'earliest' : BigInt(stored));
        this.next.set(id, resolveStart(partition, start));
      }
    } catch (err) {
      this.forget(partitions);
      coordinator.release(this.memberId, partitions);
      throw err;
    }
  }

  private forget(partitions: readonly number[]): void {
    for (const p of partitions) {
      this.next.delete(p);
      this.pausedSet.delete(p);
    }
  }

  private currentMembership(): Membership {
    return { memberId: this.memberId, generation: this.deps.coordinator.generation };
  }

  async poll(maxRecords: number, maxWaitMs: number): Promise<LogRecord[]> {
    if (this.state === 'closed') throw new LogError('TF_LOG_CONSUMER_CLOSED', 'poll() on a closed consumer');
    if (!Number.isInteger(maxRecords) || maxRecords < 1 || !(maxWaitMs >= 0)) {
      throw new LogError(
        'TF_LOG_INVALID_ARGUMENT',
        `poll(${maxRecords}, ${maxWaitMs}): need maxRecords ≥ 1, maxWaitMs ≥ 0`,
      );
    }
    if (this.polling) throw new LogError('TF_LOG_CONSUMER_BUSY', 'poll() while another poll() is waiting');
    this.polling = true;
    try {
      const polled = this.pollUntil(maxRecords, performance.now() + maxWaitMs);
      this.inflight = polled;
      return await polled;
    } finally {
      this.polling = false;
    }
  }

  private async pollUntil(maxRecords: number, deadline: number): Promise<LogRecord[]> {
    const { notifier, topic, coordinator } = this.deps;
    while (this.state === 'open') {
      const seen = notifier.version(topic.name);
      const groupSeen = coordinator.version;
      await this.rebalance();
      const records = await this.fetch(maxRecords);
      if (records.length > 0) return records;
      const remaining = deadline - performance.now();
      if (remaining <= 0) break;
      // Wake for an append, a change in the group, or close; heartbeat at least every second meanwhile.
      const wake = new AbortController();
      const stop = (): void => {
        wake.abort();
      };
      this.closer.signal.addEventListener('abort', stop, { once: true });
      void coordinator.nextChange(groupSeen, wake.signal).then(stop);
      await notifier.wait(topic.name, seen, Math.min(remaining, HEARTBEAT_MS), wake.signal);
      stop();
      this.closer.signal.removeEventListener('abort', stop);
    }
    return [];
  }

  /** Reads what is there, sharing `maxRecords` fairly among the partitions that have records. */
  private async fetch(maxRecords: number): Promise<LogRecord[]> {
    const all = this.deps.topic.partitions.filter((p) => this.next.has(p.id) && !this.pausedSet.has(p.id));
    if (all.length === 0) return [];
    const rotated = all.map((_, i) => all[(i + this.rotation) % all.length] as Partition);
    this.rotation = (this.rotation + 1) % all.length;
    let candidates = rotated.filter((p) => this.position(p) < p.endOffset);
    const out: LogRecord[] = [];
    let remaining = maxRecords;
    while (remaining > 0 && candidates.length > 0) {
      const share = Math.max(1, Math.floor(remaining / candidates.length));
      const stillFull: Partition[] = [];
      for (const partition of candidates) {
        const want = Math.min(share, remaining);
        if (want === 0) break;
        const records = await this.read(partition, want);
        for (const record of records) out.push(record);
        remaining -= records.length;
        if (records.length === want && this.position(partition) < partition.endOffset) {
          stillFull.push(partition);
        }
      }
      candidates = stillFull;
    }
    return out;
  }

  private async read(partition: Partition, maxRecords: number): Promise<LogRecord[]> {
    let from = this.position(partition);
    if (from < partition.startOffset) {
      this.deps.logger.warn(
        {
          group: this.deps.group,
          topic: partition.topic,
          partition: partition.id,
          from,
          oldest: partition.startOffset,
        },
        'log: position is older than the oldest retained record; continuing from the oldest',
      );
      from = partition.startOffset;
      this.next.set(partition.id, from);
    }
    const records = await partition.read(from, maxRecords);
    const last = records.at(-1);
    // A revoke during the read (from another poll's callbacks, or close) forgets the partition: keep it so.
    if (last !== undefined && this.next.has(partition.id)) {
      this.next.set(partition.id, Number(offsetAfter(last)));
    }
    return records;
  }

  async commit(offsets: ReadonlyMap<number, Offset>): Promise<void> {
    if (this.state === 'closed') {
      throw new LogError('TF_LOG_CONSUMER_CLOSED', 'commit() on a closed consumer');
    }
    for (const [partition, offset] of offsets) {
      if (!this.next.has(partition)) {
        throw new LogError(
          'TF_LOG_INVALID_ARGUMENT',
          `commit: partition ${partition} is not assigned to this consumer`,
        );
      }
      if (offset < 0n || offset > BigInt(Number.MAX_SAFE_INTEGER)) {
        throw new LogError(
          'TF_LOG_INVALID_ARGUMENT',
          `commit: ${offset} is not an offset of the embedded log (partition ${partition})`,
        );
      }
    }
    const numbers = new Map([...offsets].map(([p, o]) => [p, Number(o)]));
    await this.deps.offsets.commit(this.deps.group, this.deps.topic.name, numbers);
  }

  assignment(): number[] {
    return [...this.next.keys()].sort((a, b) => a - b);
  }

  positions(): ReadonlyMap<number, Offset> {
    return new Map([...this.next].map(([p, o]) => [p, BigInt(o)]));
  }

  pause(partitions: readonly number[]): void {
    for (const p of partitions) if (this.next.has(p)) this.pausedSet.add(p);
  }

  resume(partitions: readonly number[]): void {
    for (const p of partitions) this.pausedSet.delete(p);
  }

  paused(): readonly number[] {
    return [...this.pausedSet].sort((a, b) => a - b);
  }

  async lag(): Promise<number> {
    let lag = 0;
    for (const n of (await this.partitionLag()).values()) lag += n;
    return lag;
  }

  partitionLag(): Promise<ReadonlyMap<number, number>> {
    const lag = new Map<number, number>();
    for (const partition of this.deps.topic.partitions) {
      const position = this.next.get(partition.id);
      if (position !== undefined) {
        lag.set(partition.id, Math.max(0, partition.endOffset - Math.max(position, partition.startOffset)));
      }
    }
    return Promise.resolve(lag);
  }

  /**
   * Wakes a waiting poll, lets `onRevoked` finish the partitions' work (it may still commit), then
   * leaves the group, so the other members take the partitions over.
   */
  close(): Promise<void> {
    this.closing ??= this.revokeAndClose();
    return this.closing;
  }

  private async revokeAndClose(): Promise<void> {
    this.state = 'closing';
    this.closer.abort();
    await this.inflight?.catch(() => undefined);
    try {
      const owned = this.assignment();
      if (owned.length > 0) await this.deps.handlers.onRevoked(owned, this.currentMembership());
    } finally {
      this.state = 'closed';
      this.forget(this.assignment());
      this.deps.coordinator.leave(this.memberId);
      this.deps.onClosed();
    }
  }

  private position(partition: Partition): number {
    return this.next.get(partition.id) ?? partition.endOffset;
  }
}

function resolveStart(partition: Partition, start: StartPosition): number {
  if (start === 'earliest') return partition.startOffset;
  if (start === 'latest') return partition.endOffset;
  if (typeof start !== 'bigint' || start < 0n) {
    throw new LogError(
      'TF_LOG_INVALID_ARGUMENT',
      `${partition.topic}/${partition.id}: start offset ${String(start)} is not an offset`,
    );
  }
  return start >= BigInt(partition.endOffset) ? partition.endOffset : Number(start);
}
