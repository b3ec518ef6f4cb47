import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DirLock, type DirLockOptions } from '../io/dir-lock.js';
import type { Logger } from '../logger.js';
import { AppendNotifier } from './append-notifier.js';
import { EmbeddedConsumer } from './consumer.js';
import { EmbeddedGroup } from './embedded-group.js';
import { type EmbeddedLogOptions, resolveOptions, type ResolvedLogOptions } from './embedded-log-options.js';
import { type CommitStats, GroupCommitter } from './group-commit.js';
import { GroupOffsets } from './group-offsets.js';
import type { ConsumerHandlers, Log, LogConsumer, LogProducer, OutgoingRecord } from './log.js';
import { LogError, logLocked } from './log-errors.js';
import type { Partition } from './partition.js';
import { type AppendRecord, checkRecord } from './record-codec.js';
import { TopicRegistry } from './topic-registry.js';

export interface PartitionInfo {
  readonly partition: number;
  /** Oldest retained offset. */
  readonly startOffset: number;
  /** Offset the next record will get (every offset below it is durable). */
  readonly endOffset: number;
  readonly segments: number;
  readonly bytes: number;
}

type State = 'new' | 'open' | 'closing' | 'closed';

/** `<dir>/LOCK`: one EmbeddedLog per directory, in this process or any other. */
const LOCK: DirLockOptions = {
  fileName: 'LOCK',
  label: 'log',
  lockedError: logLocked,
  ioError: (message, cause) => new LogError('TF_LOG_IO', message, cause),
};

/**
 * The durable log of a single process, under one directory (`<dataDir>/log`): Kafka's model (topics,
 * partitions, offsets, keyed partitioning, consumer groups) on segment files with CRC-framed records,
 * group commit and fsync before acknowledgement. Layout: `LOCK`, `topics/<topic>/<partition>/<base>.log`
 * and `groups/<group>.json`.
 */
export class EmbeddedLog implements Log {
  readonly kind = 'embedded' as const;
  private state: State = 'new';
  private starting: Promise<void> | null = null;
  private closing: Promise<void> | null = null;
  private acceptingSends = true;
  private lock: DirLock | null = null;
  private retentionTimer: NodeJS.Timeout | null = null;
  private retentionRun: Promise<number> | null = null;
  private retentionFailing = false;
  private readonly settings: ResolvedLogOptions;
  private readonly topics: TopicRegistry;
  private readonly notifier = new AppendNotifier();
  private readonly committer: GroupCommitter;
  private readonly groupOffsets: GroupOffsets;
  private readonly consumers = new Map<number, Promise<EmbeddedConsumer>>();
  /** One coordinator per (group, topic): the members of a group in this process rebalance through it. */
  private readonly groups = new Map<string, EmbeddedGroup>();
  private nextConsumerId = 0;
  private readonly producerApi: LogProducer = { send: (topic, records) => this.send(topic, records) };

  constructor(
    readonly dir: string,
    private readonly logger: Logger,
    options: EmbeddedLogOptions = {},
  ) {
    this.settings = resolveOptions(options);
    this.topics = new TopicRegistry(join(dir, 'topics'), this.settings, logger);
    this.groupOffsets = new GroupOffsets(join(dir, 'groups'));
    this.committer = new GroupCommitter(
      this.settings.now,
      (partitions) => {
        this.published(partitions);
      },
      logger,
    );
  }

  start(): Promise<void> {
    if (this.state === 'closing' || this.state === 'closed') {
      return Promise.reject(unavailable('the log was closed; open a new EmbeddedLog'));
    }
    this.starting ??= this.open();
    return this.starting;
  }

  private async open(): Promise<void> {
    try {
      await mkdir(this.dir, { recursive: true });
      this.lock = await DirLock.acquire(this.dir, LOCK, this.logger);
      await this.topics.loadAll();
    } catch (err) {
      await this.topics.closeAll();
      await this.lock?.release();
      this.lock = null;
      this.starting = null;
      throw err;
    }
    this.state = 'open';
    await this.enforceRetention();
    this.retentionTimer = setInterval(
      () => void this.enforceRetention(),
      this.settings.retentionCheckIntervalMs,
    );
    this.retentionTimer.unref();
    this.logger.info({ dir: this.dir, topics: this.topics.all().map((t) => t.name) }, 'log: opened');
  }

  async ensureTopic(topic: string, partitions: number): Promise<void> {
    this.assertOpen();
    await this.topics.ensure(topic, partitions);
  }

  producer(): LogProducer {
    return this.producerApi;
  }

  private send(topicName: string, records: readonly OutgoingRecord[]): Promise<void> {
    if (!this.acceptingSends || this.state === 'new' || this.state === 'closed') {
      return Promise.reject(unavailable(`cannot send to ${topicName}: the log is ${this.state}`));
    }
    const topic = this.topics.get(topicName);
    if (topic === undefined) return Promise.reject(unknownTopic(topicName));
    const parts = new Map<Partition, AppendRecord[]>();
    for (const [i, record] of records.entries()) {
      const problem = checkRecord(record, this.settings.maxRecordBytes);
      if (problem !== null) {
        return Promise.reject(new LogError(problem.code, `${topicName} record ${i}: ${problem.reason}`));
      }
      const partition = topic.partitionFor(record.key);
      const list = parts.get(partition) ?? [];
      parts.set(partition, list);
      list.push({ key: record.key, value: record.value });
    }
    if (parts.size === 0) return Promise.resolve();
    return this.committer.submit(parts);
  }

  consumer(groupId: string, topicName: string, handlers: ConsumerHandlers): Promise<LogConsumer> {
    if (this.state !== 'open') return Promise.reject(unavailable(`the log is ${this.state}`));
    const topic = this.topics.get(topicName);
    if (topic === undefined) return Promise.reject(unknownTopic(topicName));
    if (typeof groupId !== 'string' || groupId.length === 0) {
      return Promise.reject(
        new LogError('TF_LOG_INVALID_ARGUMENT', 'a consumer group id must be a non-empty string'),
      );
    }
    const key = `${groupId}\u0000${topicName}`;
    let coordinator = this.groups.get(key);
    if (coordinator === undefined) {
      const ids = topic.partitions.map((p) => p.id);
      coordinator = new EmbeddedGroup(ids, this.settings.sessionTimeoutMs, this.settings.now);
      this.groups.set(key, coordinator);
    }
    const id = this.nextConsumerId++;
    const onClosed = (): boolean => this.consumers.delete(id);
    const deps = {
      group: groupId,
      topic,
      handlers,
      notifier: this.notifier,
      offsets: this.groupOffsets,
      coordinator,
      logger: this.logger,
      onClosed,
    };
    const creation = EmbeddedConsumer.create(deps);
    this.consumers.set(id, creation);
    creation.catch(onClosed);
    return creation;
  }

  health(): Promise<void> {
    if (this.state !== 'open') return Promise.reject(unavailable(`the log is ${this.state}`));
    const failure = this.committer.failure;
    return failure === null ? Promise.resolve() : Promise.reject(failure);
  }

  /** Partition offsets and sizes of a topic, for tooling, metrics and tests. */
  partitions(topicName: string): PartitionInfo[] {
    const topic = this.topics.get(topicName);
    if (topic === undefined) throw unknownTopic(topicName);
    return topic.partitions.map((p) => ({
      partition: p.id,
      startOffset: p.startOffset,
      endOffset: p.endOffset,
      segments: p.segmentCount,
      bytes: p.sizeBytes,
    }));
  }

  /** Records, sends and flushes so far (sends per flush is the group-commit factor). */
  stats(): Readonly<CommitStats> {
    return { ...this.committer.stats };
  }

  /** Applies retention now (it also runs at start and on a timer); returns how many segments it deleted. */
  enforceRetention(): Promise<number> {
    if (this.state !== 'open') return Promise.resolve(0);
    this.retentionRun ??= this.runRetention().finally(() => (this.retentionRun = null));
    return this.retentionRun;
  }

  private async runRetention(): Promise<number> {
    const now = this.settings.now();
    let deleted = 0;
    try {
      for (const topic of this.topics.all()) {
        for (const partition of topic.partitions) deleted += await partition.applyRetention(now);
      }
      this.retentionFailing = false;
    } catch (err) {
      if (!this.retentionFailing) this.logger.warn({ err }, 'log: retention failed; will retry');
      this.retentionFailing = true;
    }
    return deleted;
  }

  /** Closes consumers (their onRevoked may still send and commit), flushes pending sends, closes files. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    if (this.starting !== null) await this.starting.catch(() => undefined);
    const wasOpen = this.state === 'open';
    this.state = 'closing';
    if (this.retentionTimer !== null) clearInterval(this.retentionTimer);
    await this.closeConsumers();
    this.acceptingSends = false;
    await this.committer.idle();
    await this.retentionRun;
    await this.topics.closeAll();
    await this.lock?.release();
    this.state = 'closed';
    if (wasOpen) this.logger.info({ dir: this.dir }, 'log: closed');
  }

  private async closeConsumers(): Promise<void> {
    const created = await Promise.allSettled(this.consumers.values());
    const open = created.flatMap((c) => (c.status === 'fulfilled' ? [c.value] : []));
    for (const result of await Promise.allSettled(open.map((c) => c.close()))) {
      if (result.status === 'rejected') {
        this.logger.warn({ err: result.reason }, 'log: a consumer did not close cleanly');
      }
    }
  }

  private published(partitions: readonly Partition[]): void {
    for (const topic of new Set(partitions.map((p) => p.topic))) this.notifier.notify(topic);
  }

  private assertOpen(): void {
    if (this.state !== 'open') throw unavailable(`the log is ${this.state}`);
  }
}

const unavailable = (reason: string): LogError =>
  new LogError('TF_LOG_UNAVAILABLE', `log unavailable: ${reason}`);

const unknownTopic = (topic: string): LogError =>
  new LogError('TF_LOG_UNKNOWN_TOPIC', `topic ${topic} does not exist; create it with ensureTopic()`);
