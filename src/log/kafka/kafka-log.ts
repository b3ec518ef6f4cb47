import { Admin } from '@platformatic/kafka';
import type { ConsumerHandlers, Log, LogConsumer, LogProducer } from '../log.js';
import { LogError } from '../log-errors.js';
import { kafkaError, withTimeout } from './kafka-errors.js';
import { KafkaConsumer } from './kafka-consumer.js';
import { resolveKafkaOptions, type KafkaLogOptions, type ResolvedKafkaOptions } from './kafka-options.js';
import { KafkaProducer } from './kafka-producer.js';
import { ensureTopic } from './kafka-topics.js';

/** The log on an Apache Kafka cluster: topics, an idempotent producer and consumer-group members. */
class KafkaLog implements Log {
  readonly kind = 'kafka' as const;
  private readonly admin: Admin;
  private producerInstance: KafkaProducer | null = null;
  private readonly consumers = new Set<KafkaConsumer>();
  private closed = false;

  constructor(private readonly options: ResolvedKafkaOptions) {
    this.admin = new Admin({
      clientId: `${options.clientId}-admin`,
      bootstrapBrokers: [...options.brokers],
      timeout: options.requestTimeoutMs,
      requestTimeout: options.requestTimeoutMs,
      retries: 1,
      retryDelay: 200,
    });
  }

  /** Checks that the brokers answer, so that a wrong address fails at start rather than at first use. */
  async start(): Promise<void> {
    this.assertOpen();
    await this.health();
  }

  async ensureTopic(topic: string, partitions: number): Promise<void> {
    this.assertOpen();
    await ensureTopic(this.admin, this.options, topic, partitions);
  }

  producer(): LogProducer {
    this.assertOpen();
    this.producerInstance ??= new KafkaProducer(this.options);
    return this.producerInstance;
  }

  async consumer(groupId: string, topic: string, handlers: ConsumerHandlers): Promise<LogConsumer> {
    this.assertOpen();
    const consumer = await KafkaConsumer.create(this.options, groupId, topic, handlers, (closed) =>
      this.consumers.delete(closed),
    );
    this.consumers.add(consumer);
    return consumer;
  }

  /** A fresh metadata request, bounded in time: the brokers answer, or the log is unavailable. */
  async health(): Promise<void> {
    this.assertOpen();
    try {
      await withTimeout(
        this.admin.metadata({ topics: [], forceUpdate: true }),
        this.options.healthTimeoutMs,
        'health',
      );
    } catch (err) {
      throw kafkaError(`Kafka brokers ${this.options.brokers.join(',')} cannot be reached`, err);
    }
  }

  /** Consumers revoke and leave, the producer finishes its sends, connections close; each bounded. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.consumers].map((c) => c.close()));
    await this.producerInstance?.close();
    await withTimeout(this.admin.close(), this.options.closeTimeoutMs, 'closing the admin client').catch(
      () => undefined,
    );
  }

  private assertOpen(): void {
    if (this.closed) throw new LogError('TF_LOG_UNAVAILABLE', 'the Kafka log is closed');
  }
}

/** A `Log` on Kafka; options are checked here, once. */
export function createKafkaLog(options: KafkaLogOptions): Log {
  return new KafkaLog(resolveKafkaOptions(options));
}
