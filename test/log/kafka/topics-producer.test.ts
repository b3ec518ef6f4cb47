import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Producer } from '@platformatic/kafka';
import { partitionForKey } from '../../../src/log/partitioner.js';
import type { LogRecord } from '../../../src/log/log.js';
import { admin, kafkaLog, pollUntil, Recorder, useKafka } from './kafka-harness.js';
import { cannotStart } from '../../support/services.js';

describe('KafkaLog topics and producer', { skip: cannotStart(['kafka']) }, () => {
  const kafka = useKafka();

  test('ensureTopic creates the topics tickflow uses with their partition counts, and is idempotent', async () => {
    const topics = {
      'crypto-prices': 3,
      'crypto-alerts': 1,
      'crypto-prices-dlq': 1,
      'crypto-prices-late': 1,
    };
    for (let round = 0; round < 2; round++) {
      for (const [topic, partitions] of Object.entries(topics))
        await kafka.log.ensureTopic(topic, partitions);
    }
    const client = admin(kafka.brokers);
    try {
      const metadata = await client.metadata({ topics: Object.keys(topics), forceUpdate: true });
      for (const [topic, partitions] of Object.entries(topics)) {
        assert.equal(metadata.topics.get(topic)?.partitionsCount, partitions, topic);
      }
    } finally {
      await client.close();
    }
  });

  test('a topic with fewer partitions than asked is left as it is', async () => {
    await kafka.log.ensureTopic('few', 1);
    await kafka.log.ensureTopic('few', 3);
    const client = admin(kafka.brokers);
    try {
      const metadata = await client.metadata({ topics: ['few'], forceUpdate: true });
      assert.equal(metadata.topics.get('few')?.partitionsCount, 1);
    } finally {
      await client.close();
    }
  });

  test('records keyed BTC all land in one partition, in order, and read back with their key', async () => {
    await kafka.log.ensureTopic('keyed', 3);
    const values = Array.from({ length: 50 }, (_, i) => JSON.stringify({ symbol: 'BTC', seq: i }));
    for (let i = 0; i < values.length; i += 10) {
      await kafka.log.producer().send(
        'keyed',
        values.slice(i, i + 10).map((value) => ({ key: 'BTC', value })),
      );
    }
    const consumer = await kafka.log.consumer('keyed-reader', 'keyed', new Recorder());
    try {
      const records = await pollUntil(consumer, values.length);
      assert.deepEqual(new Set(records.map((r) => r.partition)), new Set([partitionForKey('BTC', 3)]));
      assert.deepEqual(
        records.map((r) => r.value),
        values,
      );
      assert.ok(records.every((r) => r.key === 'BTC'));
      assert.deepEqual(
        records.map((r) => r.offset),
        values.map((_, i) => BigInt(i)),
      );
      assert.ok(records.every((r) => typeof r.offset === 'bigint' && r.timestamp > 0));
    } finally {
      await consumer.close();
    }
  });

  test('concurrent sends all reach the log', async () => {
    await kafka.log.ensureTopic('concurrent', 3);
    const fresh = kafkaLog(kafka.brokers);
    const batch = Array.from({ length: 100 }, (_, i) => ({ key: `S${i % 10}`, value: '{}' }));
    try {
      await Promise.all(Array.from({ length: 8 }, () => fresh.producer().send('concurrent', batch)));
    } finally {
      await fresh.close();
    }
    const client = admin(kafka.brokers);
    try {
      const [end] = await client.listOffsets({
        topics: [
          {
            name: 'concurrent',
            partitions: [0, 1, 2].map((partitionIndex) => ({ partitionIndex, timestamp: -1n })),
          },
        ],
      });
      const total = end?.partitions.reduce((sum, p) => sum + p.offset, 0n);
      assert.equal(total, 800n);
    } finally {
      await client.close();
    }
  });

  test('a value that is not UTF-8 becomes an unreadable placeholder, and reading goes on after it', async () => {
    await kafka.log.ensureTopic('binary', 1);
    const raw = new Producer({ clientId: 'raw', bootstrapBrokers: [...kafka.brokers] });
    try {
      await raw.send({
        messages: [
          { topic: 'binary', key: Buffer.from('ETH'), value: Buffer.from('{"ok":1}') },
          { topic: 'binary', key: Buffer.from('ETH'), value: Buffer.from([0xc3, 0x28, 0xff]) },
          { topic: 'binary', key: Buffer.from('ETH'), value: Buffer.from('{"ok":2}') },
        ],
      });
    } finally {
      await raw.close();
    }
    const consumer = await kafka.log.consumer('binary-reader', 'binary', new Recorder());
    try {
      const records = await pollUntil(consumer, 3);
      assert.equal(records.length, 3);
      const [first, bad, last] = records as [LogRecord, LogRecord, LogRecord];
      assert.equal(first.value, '{"ok":1}');
      assert.equal(bad.offset, 1n);
      assert.equal(bad.key, null);
      assert.equal(bad.value, '');
      const unreadable = bad.unreadable!;
      assert.equal(unreadable.lastOffset, 1n);
      assert.equal(unreadable.location, null);
      assert.match(unreadable.reason, /value cannot be decoded/);
      assert.equal(last.value, '{"ok":2}');
      assert.equal(consumer.positions().get(0), 3n);
    } finally {
      await consumer.close();
    }
  });
});
