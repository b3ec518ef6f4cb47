import { ProduceAcks, Producer, type MessageToProduce } from '@platformatic/kafka';
import type { LogProducer, OutgoingRecord } from '../log.js';
import { murmur2, toPositive } from '../partitioner.js';
import { kafkaError, withTimeout } from './kafka-errors.js';
import type { ResolvedKafkaOptions } from './kafka-options.js';

type Message = MessageToProduce;

const RETRY_DELAY_MS = 1_000;

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
  /** The previous send: sends go one at a time (see `send`). */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: ResolvedKafkaOptions) {
    this.producer = new Producer({
      clientId: `${options.clientId}-producer`,
      bootstrapBrokers: [...options.brokers],
      idempotent: true,
      acks: ProduceAcks.ALL,
      partitioner: partitioner(),
      timeout: options.requestTimeoutMs,
      requestTimeout: options.requestTimeoutMs,
      // The idempotent producer otherwise retries for ever, and a retry running when it is closed goes on
      // (once a second, on a closed pool), keeping the process alive. A send fails after sendTimeoutMs
      // anyway, so its retries stop about then.
      retries: Math.max(2, Math.ceil(options.sendTimeoutMs / RETRY_DELAY_MS)),
      retryDelay: RETRY_DELAY_MS,
    });
  }

  /**
   * Sends go one after another: @platformatic/kafka 1.35's idempotent producer, given concurrent sends,
   * acknowledges some that never reach the log (8 concurrent senders lost 7 of 200 batches; see
   * test/log/kafka/topics-producer.test.ts). Batching within a send keeps the throughput.
   */
  send(topic: string, records: readonly OutgoingRecord[]): Promise<void> {
    const sent = this.tail.then(() => this.sendNow(topic, records));
    this.tail = sent.catch(() => undefined);
    return sent;
  }

  private async sendNow(topic: string, records: readonly OutgoingRecord[]): Promise<void> {
    if (records.length === 0) return;
    const { codec } = this.options;
    const messages = records.map((record): Message => ({
      topic,
      ...(record.key === null ? {} : { key: codec.encode(record.key) }),
      value: codec.encode(record.value),
    }));
    try {
      // The client keeps retrying while no broker answers; a send must fail in bounded time instead.
      await withTimeout(this.producer.send({ messages }), this.options.sendTimeoutMs, `sending to ${topic}`);
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
