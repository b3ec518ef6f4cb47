import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isTickflowError } from '../../../src/errors.js';
import { pollUntil, Recorder, useKafka } from './kafka-harness.js';
import { cannotStart } from '../../support/services.js';

describe('KafkaLog when its broker goes away', { skip: cannotStart(['kafka']) }, () => {
  const kafka = useKafka({
    requestTimeoutMs: 2_000,
    sendTimeoutMs: 3_000,
    healthTimeoutMs: 2_000,
    closeTimeoutMs: 2_000,
  });

  test('health() rejects, retriable and in bounded time, once the broker is gone; close() is bounded too', async () => {
    await kafka.log.ensureTopic('outage', 3);
    await kafka.log.producer().send('outage', [{ key: 'BTC', value: '{}' }]);
    const recorder = new Recorder((ps) => new Map(ps.map((p) => [p, 'earliest'])));
    const consumer = await kafka.log.consumer('g-outage', 'outage', recorder);
    assert.equal((await pollUntil(consumer, 1)).length, 1);
    await kafka.log.health();

    await kafka.server.stop();
    const started = Date.now();
    await assert.rejects(kafka.log.health(), (err: unknown) => {
      assert.ok(isTickflowError(err));
      assert.equal(err.code, 'TF_LOG_UNAVAILABLE');
      assert.equal(err.retriable, true);
      return true;
    });
    assert.ok(Date.now() - started < 4_000, `health took ${Date.now() - started} ms`);

    await assert.rejects(
      kafka.log.producer().send('outage', [{ key: 'BTC', value: '{}' }]),
      (err: unknown) => {
        assert.ok(isTickflowError(err));
        assert.equal(err.retriable, true);
        return true;
      },
    );

    const closing = Date.now();
    await kafka.log.close();
    assert.ok(Date.now() - closing < 10_000, `close took ${Date.now() - closing} ms`);
    assert.deepEqual(
      recorder.of('revoked').at(-1)?.partitions,
      [0, 1, 2],
      'close revokes what the member owns',
    );
  });
});
