/**
 * Kafka log adapter: producer throughput (records/s in batches of 100, idempotent, acks=all) and how fast
 * a group member reads them back. Needs a broker: KAFKA_BROKERS=host:port, or KAFKA_BENCH_START=1 to start
 * a throwaway one from scripts/services.sh (Java, and Maven until the jars are cached, as for the tests).
 * Without either, or when the throwaway one cannot start here, it says so and measures nothing.
 */
import { createKafkaLog } from '../src/log/kafka/kafka-log.js';
import type { Log } from '../src/log/log.js';
import { silentLogger } from '../src/logger.js';
import { cannotStart, startKafka } from '../test/support/services.js';
import { report } from './support.js';

const RECORDS = 200_000;
const BATCH = 100;
const SENDERS = 8;
const VALUE = JSON.stringify({
  symbol: 'BTC',
  price: 43_250.5,
  ts: 1_700_000_000_000,
  source: 'bench',
  volume: 0.1,
});

async function produce(log: Log, topic: string): Promise<number> {
  const producer = log.producer();
  const batch = Array.from({ length: BATCH }, (_, i) => ({ key: `S${i % 10}`, value: VALUE }));
  const started = performance.now();
  await Promise.all(
    Array.from({ length: SENDERS }, async () => {
      for (let i = 0; i < RECORDS / BATCH / SENDERS; i++) await producer.send(topic, batch);
    }),
  );
  return Math.round(RECORDS / ((performance.now() - started) / 1_000));
}

async function consume(log: Log, topic: string): Promise<number> {
  const consumer = await log.consumer(`bench-${Date.now()}`, topic, {
    onAssigned: (partitions) => Promise.resolve(new Map(partitions.map((p) => [p, 'earliest' as const]))),
    onRevoked: () => Promise.resolve(),
    onLost: () => Promise.resolve(),
  });
  const started = performance.now();
  let read = 0;
  while (read < RECORDS) read += (await consumer.poll(10_000, 1_000)).length;
  const perSec = Math.round(read / ((performance.now() - started) / 1_000));
  await consumer.close();
  return perSec;
}

async function measure(brokers: readonly string[], where: string): Promise<void> {
  const log = createKafkaLog({ brokers, clientId: 'tickflow-bench', logger: silentLogger() });
  const topic = `bench-${Date.now()}`;
  try {
    await log.start();
    await log.ensureTopic(topic, 3);
    const produced = await produce(log, topic);
    const consumed = await consume(log, topic);
    report({
      bench: 'log_kafka',
      brokers: where,
      records: RECORDS,
      records_per_sec_produced_batches_of_100_8_senders: produced,
      records_read_per_sec: consumed,
    });
  } finally {
    await log.close();
  }
}

const configured = process.env.KAFKA_BROKERS;
if (configured !== undefined) {
  await measure(configured.split(','), 'KAFKA_BROKERS');
} else if (process.env.KAFKA_BENCH_START !== '1') {
  report({
    bench: 'log_kafka',
    skipped:
      'no broker: set KAFKA_BROKERS=host:port, or KAFKA_BENCH_START=1 to start a throwaway Kafka 4.1.0',
  });
} else {
  const missing = cannotStart(['kafka']);
  if (missing !== false) {
    report({ bench: 'log_kafka', skipped: missing });
  } else {
    const server = await startKafka();
    try {
      await measure(server.url.split(','), 'throwaway local broker');
    } finally {
      await server.close();
    }
  }
}
