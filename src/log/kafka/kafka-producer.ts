import { ProduceAcks, Producer, type MessageToProduce } from '@platformatic/kafka';
import type { LogProducer, OutgoingRecord } from '../log.js';
import { murmur2, toPositive } from '../partitioner.js';
import { kafkaError, withTimeout } from './kafka-errors.js';
import type { ResolvedKafkaOptions } from './kafka-options.js';

type Message = MessageToProduce;

/**
 * Kafka's default partitioner, as the Java client computes it (murmur2 of the key bytes, sign bit
 * cleared), so tickflow and any other producer put a symbol on the same partition; the client takes it
 * modulo the partition count. Records without a key go round the partitions.
 */
function partitioner(): (message: Message, key: Buffer | undefined) => number {
  let next = 0;
  return (_message, key) => (key === undefined ? next++ & 0x7fffffff : toPositive(murmur2(key)));
}

/** The idempotent producer: acks from all in-sync replicas, no duplicates when a send is retried. */
export class KafkaProducer implements LogProducer {
  private readonly producer: Producer;

  constructor(private readonly options: ResolvedKafkaOptions) {
    this.producer = new Producer({
      clientId: `${options.clientId}-producer`,
      bootstrapBrokers: [...options.brokers],
      idempotent: true,
      acks: ProduceAcks.ALL,
      partitioner: partitioner(),
      timeout: options.requestTimeoutMs,
      requestTimeout: options.requestTimeoutMs,
    });
  }

  async send(topic: string, records: readonly OutgoingRecord[]): Promise<void> {
    if (records.length === 0) return;
    const { codec } = this.options;
    const messages = records.map((record): Message => ({
      topic,
      ...(record.key === null ? {} : { key: codec.encode(record.key) }),
      value: codec.encode(record.value),
    }));
    try {
      await this.producer.send({ messages });
    } catch (err) {
      throw kafkaError(`sending ${records.length} records to ${topic}`, err);
    }
  }

  /** Waits for sends in flight, then disconnects; gives up after closeTimeoutMs (a broker gone). */
  async close(): Promise<void> {
    await withTimeout(this.producer.close(), this.options.closeTimeoutMs, 'closing the producer').catch(
      (err: unknown) => {
        this.options.logger.warn({ err }, 'the producer did not close in time');
      },
    );
  }
}
