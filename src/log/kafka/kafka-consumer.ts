import { Consumer } from '@platformatic/kafka';
import type { Logger } from '../../logger.js';
import type { ConsumerHandlers, LogConsumer, LogRecord, Membership, Offset } from '../log.js';
import { LogError } from '../log-errors.js';
import { GroupCoordinator } from './coordinator.js';
import { GroupMember } from './group-member.js';
import { kafkaError, withTimeout } from './kafka-errors.js';
import type { ResolvedKafkaOptions } from './kafka-options.js';
import { PartitionFetcher } from './partition-fetcher.js';
import { partitionCount } from './kafka-topics.js';

/** A poll runs at most this many join rounds (a cooperative handover takes two), then carries on. */
const MAX_ROUNDS = 4;
const NO_MEMBERSHIP: Membership = { memberId: '', generation: -1 };

/**
 * A member of a consumer group reading one topic. The group protocol is driven from `poll()` (and from
 * `consumer()` and `close()`): the heartbeat only notes that the group wants a rejoin or expelled the
 * member, and the handlers run here, one at a time, never while the caller works on polled records.
 */
export class KafkaConsumer implements LogConsumer {
  private readonly member: GroupMember;
  private readonly fetcher: PartitionFetcher;
  private busy = false;
  private state: 'open' | 'closing' | 'closed' = 'open';

  private constructor(
    private readonly options: ResolvedKafkaOptions,
    private readonly client: Consumer,
    private readonly coordinator: GroupCoordinator,
    topic: string,
    private readonly handlers: ConsumerHandlers,
    private readonly logger: Logger,
    private readonly onClosed: (consumer: KafkaConsumer) => void,
  ) {
    const count = async (): Promise<number> => (await partitionCount(client, topic)) ?? 0;
    this.member = new GroupMember(options, coordinator, topic, count, logger);
    this.fetcher = new PartitionFetcher(
      client,
      topic,
      options,
      (ps) => coordinator.committed(topic, ps),
      logger,
    );
  }

  /** Joins the group; the first assignment's `onAssigned` runs before this resolves. */
  static async create(
    options: ResolvedKafkaOptions,
    groupId: string,
    topic: string,
    handlers: ConsumerHandlers,
    onClosed: (consumer: KafkaConsumer) => void = () => undefined,
  ): Promise<KafkaConsumer> {
    // The client's consumer serves metadata, fetches and offsets; it never joins the group itself.
    const client = new Consumer({
      clientId: `${options.clientId}-consumer`,
      bootstrapBrokers: [...options.brokers],
      groupId,
      timeout: options.requestTimeoutMs,
      requestTimeout: options.requestTimeoutMs,
      retries: 1,
      retryDelay: 200,
    });
    const logger = options.logger.child({ group: groupId, topic });
    const coordinator = new GroupCoordinator(options, groupId);
    const consumer = new KafkaConsumer(options, client, coordinator, topic, handlers, logger, onClosed);
    try {
      await consumer.exclusive(() => consumer.settle());
    } catch (err) {
      await consumer.disconnect();
      throw kafkaError(`joining group ${groupId}`, err);
    }
    return consumer;
  }

  async poll(maxRecords: number, maxWaitMs: number): Promise<LogRecord[]> {
    if (!(Number.isInteger(maxRecords) && maxRecords > 0) || !(maxWaitMs >= 0)) {
      throw new LogError('TF_LOG_INVALID_ARGUMENT', `poll(${maxRecords}, ${maxWaitMs}): bad limits`);
    }
    return this.exclusive(async () => {
      const started = Date.now();
      this.member.polled(true);
      try {
        await this.settle().catch((err: unknown) => {
          throw kafkaError(`rebalancing group ${this.coordinator.groupId}`, err);
        });
        await this.fetcher.resolve();
        return await this.fetcher.poll(maxRecords, Math.max(0, maxWaitMs - (Date.now() - started)));
      } finally {
        this.member.polled(false);
      }
    });
  }

  async commit(offsets: ReadonlyMap<number, Offset>): Promise<void> {
    if (this.state === 'closed') throw new LogError('TF_LOG_CONSUMER_CLOSED', 'the consumer is closed');
    if (offsets.size === 0) return;
    try {
      await this.member.commit(offsets);
    } catch (err) {
      throw kafkaError(`committing offsets of group ${this.coordinator.groupId}`, err);
    }
  }

  pause(partitions: readonly number[]): void {
    this.fetcher.pause(partitions);
  }

  resume(partitions: readonly number[]): void {
    this.fetcher.resume(partitions);
  }

  paused(): readonly number[] {
    return this.fetcher.paused();
  }

  assignment(): readonly number[] {
    return this.fetcher.assigned();
  }

  membership(): Membership | null {
    return this.member.membership();
  }

  positions(): ReadonlyMap<number, Offset> {
    return this.fetcher.positions();
  }

  lag(): Promise<number> {
    return this.fetcher.lag();
  }

  partitionLag(): Promise<ReadonlyMap<number, number>> {
    return this.fetcher.partitionLag();
  }

  /** Revokes what it owns (or reports it lost), leaves the group and disconnects, bounded in time. */
  async close(): Promise<void> {
    if (this.state !== 'open') return;
    this.state = 'closing';
    const deadline = Date.now() + this.options.closeTimeoutMs;
    while (this.busy && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    try {
      const owned = this.fetcher.assigned();
      const lost = this.member.takeLost();
      if (lost !== null) await this.release(owned, lost.membership, 'lost');
      else if (owned.length > 0)
        await this.release(owned, this.member.membership() ?? NO_MEMBERSHIP, 'revoked');
    } finally {
      await withTimeout(this.member.leave(), this.options.closeTimeoutMs, 'leaving the group').catch(
        (err: unknown) => {
          this.logger.warn(
            { err },
            'could not leave the group; the broker will expel this member after its session',
          );
        },
      );
      await this.disconnect();
    }
  }

  /** Acts on what the group asked for since the last poll: a loss, then join rounds until settled. */
  private async settle(): Promise<void> {
    for (let round = 0; ; round++) {
      const lost = this.member.takeLost();
      if (lost !== null) {
        this.logger.warn({ reason: lost.reason, partitions: this.fetcher.assigned() }, 'partitions lost');
        await this.release(this.fetcher.assigned(), lost.membership, 'lost');
      }
      if (!this.member.needsRejoin || round >= MAX_ROUNDS) return;
      const owned = this.fetcher.assigned();
      const assigned = await this.member.rejoin(owned);
      if (assigned === null) continue;
      const membership = this.member.membership() ?? NO_MEMBERSHIP;
      const revoked = owned.filter((p) => !assigned.includes(p));
      if (revoked.length > 0) {
        await this.release(revoked, membership, 'revoked');
        // The partitions are free now; the next round hands them over.
        this.member.requestRejoin();
      }
      const added = assigned.filter((p) => !owned.includes(p));
      if (added.length > 0) await this.take(added, membership);
    }
  }

  private async take(partitions: readonly number[], membership: Membership): Promise<void> {
    try {
      const starts = await this.handlers.onAssigned(partitions, membership);
      this.fetcher.assign(partitions, starts);
    } catch (err) {
      // Not taken: the next rebalance gives them to a member (maybe this one) again.
      this.member.requestRejoin();
      throw err;
    }
  }

  private async release(
    partitions: readonly number[],
    membership: Membership,
    how: 'revoked' | 'lost',
  ): Promise<void> {
    if (partitions.length === 0) return;
    try {
      if (how === 'revoked') await this.handlers.onRevoked(partitions, membership);
      else await this.handlers.onLost(partitions, membership);
    } finally {
      this.fetcher.remove(partitions);
    }
  }

  private async exclusive<T>(run: () => Promise<T>): Promise<T> {
    if (this.state !== 'open') throw new LogError('TF_LOG_CONSUMER_CLOSED', 'the consumer is closed');
    if (this.busy) throw new LogError('TF_LOG_CONSUMER_BUSY', 'poll() is already running on this consumer');
    this.busy = true;
    try {
      return await run();
    } finally {
      this.busy = false;
    }
  }

  private async disconnect(): Promise<void> {
    this.state = 'closed';
    this.onClosed(this);
    const ms = this.options.closeTimeoutMs;
    await Promise.allSettled([
      withTimeout(this.client.close(), ms, 'closing the consumer'),
      withTimeout(this.coordinator.close(), ms, 'closing the group connections'),
    ]);
  }
}
