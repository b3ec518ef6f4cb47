import type { Logger } from '../logger.js';
import type { AppendNotifier } from './append-notifier.js';
import type { GroupOffsets } from './group-offsets.js';
import {
  type ConsumerHandlers,
  type LogConsumer,
  type LogRecord,
  offsetAfter,
  type StartPosition,
} from './log.js';
import { LogError } from './log-errors.js';
import type { Partition } from './partition.js';
import type { Topic } from './topic.js';

export interface ConsumerDeps {
  readonly group: string;
  readonly topic: Topic;
  readonly handlers: ConsumerHandlers;
  readonly notifier: AppendNotifier;
  readonly offsets: GroupOffsets;
  readonly logger: Logger;
  /** Called once the consumer has closed, so the log forgets it. */
  readonly onClosed: () => void;
}

/**
 * The only member of its group in embedded mode, so it owns every partition of the topic. Positions start
 * where `onAssigned` says (else at the group's committed offset, else at the oldest retained record; an
 * offset past the end at the end) and move as `poll` hands out records.
 */
export class EmbeddedConsumer implements LogConsumer {
  private readonly next = new Map<number, number>();
  private readonly closer = new AbortController();
  private state: 'open' | 'closing' | 'closed' = 'open';
  private polling = false;
  private rotation = 0;
  private closing: Promise<void> | null = null;

  private constructor(private readonly deps: ConsumerDeps) {}

  static async create(deps: ConsumerDeps): Promise<EmbeddedConsumer> {
    const consumer = new EmbeddedConsumer(deps);
    await consumer.assign();
    return consumer;
  }

  private async assign(): Promise<void> {
    const { topic, handlers, offsets, group } = this.deps;
    const starts = await handlers.onAssigned(topic.partitions.map((p) => p.id));
    const committed = await offsets.committed(group, topic.name);
    for (const partition of topic.partitions) {
      const start = starts.get(partition.id) ?? committed.get(partition.id) ?? 'earliest';
      this.next.set(partition.id, resolveStart(partition, start));
    }
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
      return await this.pollUntil(maxRecords, performance.now() + maxWaitMs);
    } finally {
      this.polling = false;
    }
  }

  private async pollUntil(maxRecords: number, deadline: number): Promise<LogRecord[]> {
    const { notifier, topic } = this.deps;
    while (this.state === 'open') {
      const seen = notifier.version(topic.name);
      const records = await this.fetch(maxRecords);
      if (records.length > 0) return records;
      const remaining = deadline - performance.now();
      if (remaining <= 0) break;
      await notifier.wait(topic.name, seen, remaining, this.closer.signal);
    }
    return [];
  }

  /** Reads what is there, sharing `maxRecords` fairly among the partitions that have records. */
  private async fetch(maxRecords: number): Promise<LogRecord[]> {
    const all = this.deps.topic.partitions;
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
    if (last !== undefined && this.state !== 'closed') this.next.set(partition.id, offsetAfter(last));
    return records;
  }

  async commit(offsets: ReadonlyMap<number, number>): Promise<void> {
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
      if (!Number.isSafeInteger(offset) || offset < 0) {
        throw new LogError(
          'TF_LOG_INVALID_ARGUMENT',
          `commit: ${offset} is not an offset (partition ${partition})`,
        );
      }
    }
    await this.deps.offsets.commit(this.deps.group, this.deps.topic.name, offsets);
  }

  assignment(): readonly number[] {
    return [...this.next.keys()];
  }

  positions(): ReadonlyMap<number, number> {
    return new Map(this.next);
  }

  lag(): Promise<number> {
    let lag = 0;
    for (const partition of this.deps.topic.partitions) {
      const position = this.next.get(partition.id);
      if (position !== undefined) {
        lag += Math.max(0, partition.endOffset - Math.max(position, partition.startOffset));
      }
    }
    return Promise.resolve(lag);
  }

  /** Wakes a waiting poll, lets `onRevoked` finish the partitions' work (it may still commit), then closes. */
  close(): Promise<void> {
    this.closing ??= this.revokeAndClose();
    return this.closing;
  }

  private async revokeAndClose(): Promise<void> {
    this.state = 'closing';
    this.closer.abort();
    try {
      await this.deps.handlers.onRevoked(this.assignment());
    } finally {
      this.state = 'closed';
      this.next.clear();
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
  if (!Number.isSafeInteger(start) || start < 0) {
    throw new LogError(
      'TF_LOG_INVALID_ARGUMENT',
      `${partition.topic}/${partition.id}: start offset ${start} is not an offset`,
    );
  }
  return Math.min(start, partition.endOffset);
}
