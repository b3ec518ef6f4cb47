import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { eventually, kafkaLog, pollLoop, Recorder, useKafka } from './kafka-harness.js';
import { cannotStart } from '../../support/services.js';

describe('KafkaLog consumer group rebalances', { skip: cannotStart(['kafka']) }, () => {
  const kafka = useKafka();

  test('a joining member gets partitions only after their owner revoked them; they come back when it leaves', async () => {
    await kafka.log.ensureTopic('prices', 3);
    const a = new Recorder();
    const consumerA = await kafka.log.consumer('g-rebalance', 'prices', a);
    assert.deepEqual(consumerA.assignment(), [0, 1, 2]);
    const first = consumerA.membership()!;
    const loopA = pollLoop(consumerA);
    const b = new Recorder();
    const consumerB = await kafka.log.consumer('g-rebalance', 'prices', b);
    const loopB = pollLoop(consumerB);
    try {
      await eventually(() => consumerB.assignment().length === 1, 20_000, 'B to get a partition');
      await eventually(() => consumerA.assignment().length === 2, 20_000, 'A to keep two');
      const moved = consumerB.assignment();
      const revoked = a.of('revoked');
      assert.equal(revoked.length, 1);
      assert.deepEqual(revoked[0]?.partitions, moved);
      const gotMoved = b.of('assigned').find((e) => e.partitions.includes(moved[0]!));
      assert.ok(gotMoved !== undefined && revoked[0].at < gotMoved.at, 'revoked before handed over');
      assert.ok(consumerB.membership()!.generation > first.generation);
      assert.deepEqual(a.of('lost'), []);
      const beforeLeave = consumerA.membership()!.generation;
      const ownedByB = consumerB.assignment();
      await loopB.stop();
      await consumerB.close();
      assert.deepEqual(b.of('revoked').at(-1)?.partitions, ownedByB, 'B revokes what it owns as it closes');
      await eventually(() => consumerA.assignment().length === 3, 20_000, 'A to get all back');
      assert.ok(consumerA.membership()!.generation > beforeLeave);
    } finally {
      await loopB.stop();
      await consumerB.close();
      await loopA.stop();
      await consumerA.close();
    }
  });

  test('a member that stops polling loses its partitions (onLost, not onRevoked) and the others take them', async () => {
    await kafka.log.ensureTopic('prices', 3);
    const impatient = kafkaLog(kafka.brokers, { maxPollIntervalMs: 3_000 });
    const a = new Recorder();
    const consumerA = await impatient.consumer('g-lost', 'prices', a);
    const b = new Recorder();
    const loopA = pollLoop(consumerA);
    const consumerB = await kafka.log.consumer('g-lost', 'prices', b);
    const loopB = pollLoop(consumerB);
    try {
      await eventually(
        () => consumerA.assignment().length > 0 && consumerB.assignment().length > 0,
        20_000,
        'a split',
      );
      await loopA.stop();
      const owned = consumerA.assignment();
      const revokedBefore = a.of('revoked').length;
      await eventually(() => consumerB.assignment().length === 3, 30_000, 'B to take over');
      await consumerA.poll(10, 100);
      const lost = a.of('lost');
      assert.equal(lost.length, 1);
      assert.deepEqual(lost[0]?.partitions, owned);
      assert.equal(a.of('revoked').length, revokedBefore, 'no onRevoked for lost partitions');
      assert.notEqual(consumerA.membership(), null, 'A rejoined');
    } finally {
      await loopB.stop();
      await consumerB.close();
      await impatient.close();
    }
  });
});
