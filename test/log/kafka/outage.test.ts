import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { isTickflowError } from '../../../src/errors.js';
import type { Log } from '../../../src/log/log.js';
import { KafkaBroker } from './broker.js';
import { kafkaLog, pollUntil, Recorder } from './kafka-harness.js';

let broker: KafkaBroker;
let log: Log;

before(async () => {
  broker = await KafkaBroker.start();
  log = kafkaLog(broker, {
    requestTimeoutMs: 2_000,
    sendTimeoutMs: 3_000,
    healthTimeoutMs: 2_000,
    closeTimeoutMs: 2_000,
  });
  await log.start();
});

after(async () => {
  await log.close();
  await broker.destroy();
});

test('health() rejects, retriable and in bounded time, once the broker is gone; close() is bounded too', async () => {
  await log.ensureTopic('outage', 3);
  await log.producer().send('outage', [{ key: 'BTC', value: '{}' }]);
  const recorder = new Recorder((ps) => new Map(ps.map((p) => [p, 'earliest'])));
  const consumer = await log.consumer('g-outage', 'outage', recorder);
  assert.equal((await pollUntil(consumer, 1)).length, 1);
  await log.health();

  await broker.kill();
  const started = Date.now();
  await assert.rejects(log.health(), (err: unknown) => {
    assert.ok(isTickflowError(err));
    assert.equal(err.code, 'TF_LOG_UNAVAILABLE');
    assert.equal(err.retriable, true);
    return true;
  });
  assert.ok(Date.now() - started < 4_000, `health took ${Date.now() - started} ms`);

  await assert.rejects(log.producer().send('outage', [{ key: 'BTC', value: '{}' }]), (err: unknown) => {
    assert.ok(isTickflowError(err));
    assert.equal(err.retriable, true);
    return true;
  });

  const closing = Date.now();
  await log.close();
  assert.ok(Date.now() - closing < 10_000, `close took ${Date.now() - closing} ms`);
  assert.deepEqual(
    recorder.of('revoked').at(-1)?.partitions,
    [0, 1, 2],
    'close revokes what the member owns',
  );
});
