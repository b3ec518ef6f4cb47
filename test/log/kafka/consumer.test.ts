import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { StartPosition } from '../../../src/log/log.js';
import { admin, pollUntil, Recorder, useKafka } from './kafka-harness.js';
import { cannotStart } from '../../support/services.js';

describe('KafkaLog consumer on a real broker', { skip: cannotStart(['kafka']) }, () => {
  const kafka = useKafka();
  let topics = 0;

  /** A one-partition topic holding `count` records, offsets 0..count-1. */
  async function topicWith(count: number, partitions = 1): Promise<string> {
    const topic = `t${++topics}`;
    await kafka.log.ensureTopic(topic, partitions);
    const records = Array.from({ length: count }, (_, i) => ({ key: `k${i % 7}`, value: `{"i":${i}}` }));
    if (count > 0) await kafka.log.producer().send(topic, records);
    return topic;
  }

  const startAt = (start: StartPosition) => (ps: readonly number[]) => new Map(ps.map((p) => [p, start]));

  test('reads from the offset onAssigned returns', async () => {
    const topic = await topicWith(10);
    const consumer = await kafka.log.consumer('g-offset', topic, new Recorder(startAt(4n)));
    try {
      const records = await pollUntil(consumer, 6);
      assert.deepEqual(
        records.map((r) => r.offset),
        [4n, 5n, 6n, 7n, 8n, 9n],
      );
      assert.equal(consumer.positions().get(0), 10n);
    } finally {
      await consumer.close();
    }
  });

  test("reads from 'earliest', and a partition left out starts at the group's commit, else the oldest", async () => {
    const topic = await topicWith(10);
    const earliest = await kafka.log.consumer('g-earliest', topic, new Recorder(startAt('earliest')));
    try {
      assert.equal((await pollUntil(earliest, 10)).at(0)?.offset, 0n);
      await earliest.commit(new Map([[0, 7n]]));
    } finally {
      await earliest.close();
    }
    const committed = await kafka.log.consumer('g-earliest', topic, new Recorder());
    try {
      assert.deepEqual(
        (await pollUntil(committed, 3)).map((r) => r.offset),
        [7n, 8n, 9n],
      );
    } finally {
      await committed.close();
    }
    const fresh = await kafka.log.consumer('g-fresh', topic, new Recorder());
    try {
      assert.equal((await pollUntil(fresh, 10)).at(0)?.offset, 0n);
    } finally {
      await fresh.close();
    }
  });

  test('an offset past the end starts at the end, and positions() says so', async () => {
    const topic = await topicWith(10);
    const consumer = await kafka.log.consumer('g-past', topic, new Recorder(startAt(1_000n)));
    try {
      assert.deepEqual(await consumer.poll(100, 300), []);
      assert.equal(consumer.positions().get(0), 10n);
      await kafka.log.producer().send(topic, [{ key: 'BTC', value: '{"after":true}' }]);
      const [record] = await pollUntil(consumer, 1);
      assert.equal(record?.offset, 10n);
      assert.equal(record.value, '{"after":true}');
    } finally {
      await consumer.close();
    }
  });

  test('an offset before the oldest record kept starts at the oldest', async () => {
    const topic = await topicWith(10);
    const client = admin(kafka.brokers);
    try {
      await client.deleteRecords({ topics: [{ name: topic, partitions: [{ partition: 0, offset: 6n }] }] });
    } finally {
      await client.close();
    }
    const consumer = await kafka.log.consumer('g-retention', topic, new Recorder(startAt(2n)));
    try {
      assert.deepEqual(
        (await pollUntil(consumer, 4)).map((r) => r.offset),
        [6n, 7n, 8n, 9n],
      );
    } finally {
      await consumer.close();
    }
  });

  test('lag counts the records not yet consumed on the assigned partitions', async () => {
    const topic = await topicWith(30, 3);
    const consumer = await kafka.log.consumer('g-lag', topic, new Recorder(startAt('earliest')));
    try {
      const read = await consumer.poll(5, 1_000);
      assert.ok(read.length > 0);
      assert.equal(await consumer.lag(), 30 - read.length);
      await pollUntil(consumer, 30 - read.length);
      assert.equal(await consumer.lag(), 0);
    } finally {
      await consumer.close();
    }
  });

  test('paused partitions return nothing, the member stays in the group, resume goes on where it stopped', async () => {
    const topic = await topicWith(60, 3);
    const consumer = await kafka.log.consumer('g-pause', topic, new Recorder(startAt('earliest')));
    try {
      const before = consumer.membership();
      const first = await consumer.poll(5, 1_000);
      assert.ok(first.length > 0);
      const held = consumer.positions();
      consumer.pause([0, 1, 2]);
      assert.deepEqual(consumer.paused(), [0, 1, 2]);
      // Longer than the session timeout (6 s): heartbeats must keep the member in the group.
      const until = Date.now() + 8_000;
      while (Date.now() < until) assert.deepEqual(await consumer.poll(100, 200), []);
      assert.deepEqual(consumer.membership(), before);
      assert.deepEqual(consumer.positions(), held);
      consumer.resume([0, 1, 2]);
      const rest = await pollUntil(consumer, 60 - first.length);
      assert.equal(first.length + rest.length, 60);
      for (const p of [0, 1, 2]) {
        const offsets = [...first, ...rest].filter((r) => r.partition === p).map((r) => r.offset);
        assert.deepEqual(
          offsets,
          offsets.map((_, i) => BigInt(i)),
          `partition ${p} in order, none skipped`,
        );
      }
      assert.deepEqual(consumer.membership(), before);
    } finally {
      await consumer.close();
    }
  });
});
