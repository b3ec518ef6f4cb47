import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { EmbeddedLog } from '../../src/log/embedded-log.js';
import type { LogRecord } from '../../src/log/log.js';
import { partitionForKey } from '../../src/log/partitioner.js';
import { code, handlersFrom, openLog, tempDir } from './log-harness.js';

describe('embedded log: consumers', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let log: EmbeddedLog;
  before(async () => {
    ({ dir, cleanup } = await tempDir());
    log = await openLog(dir);
    await log.ensureTopic('t', 3);
  });
  after(async () => {
    await log.close();
    await cleanup();
  });

  test('a poll waiting on an empty log is woken by an append, not by its timeout', async () => {
    await log.ensureTopic('wake', 3);
    const consumer = await log.consumer('wake-g', 'wake', handlersFrom());
    const latencies: number[] = [];
    for (let i = 0; i < 10; i++) {
      let polledAt = 0;
      const polled = consumer.poll(100, 5_000).then((records) => {
        polledAt = performance.now();
        return records;
      });
      await new Promise((resolve) => setTimeout(resolve, 5));
      await log.producer().send('wake', [{ key: `k${i}`, value: String(i) }]);
      const ackedAt = performance.now();
      const records = await polled;
      assert.deepEqual(
        records.map((r) => r.value),
        [String(i)],
      );
      latencies.push(polledAt - ackedAt);
    }
    // Typically well under 1 ms (the speed is measured by `npm run bench`); a poll that waited for its
    // 5 s timeout instead of the append's wake-up would fail this by far, even on a loaded machine.
    const report = `wake-up latencies after the ack: ${latencies.map((l) => l.toFixed(2)).join(', ')} ms`;
    assert.ok(Math.max(...latencies) < 1_000, report);
    await consumer.close();
  });

  test('a poll returns [] after its timeout, and poll(…, 0) does not wait', async () => {
    await log.ensureTopic('quiet', 1);
    const consumer = await log.consumer('quiet-g', 'quiet', handlersFrom());
    const start = performance.now();
    assert.deepEqual(await consumer.poll(10, 60), []);
    const waited = performance.now() - start;
    assert.ok(waited >= 55 && waited < 1000, `waited ${waited} ms`);
    const t = performance.now();
    assert.deepEqual(await consumer.poll(10, 0), []);
    assert.ok(performance.now() - t < 200);
    await consumer.close();
  });

  test('polls are fair across partitions and keep offset order within each', async () => {
    await log.ensureTopic('fair', 3);
    const keyFor = new Map<number, string>();
    for (let i = 0; keyFor.size < 3; i++) {
      const p = partitionForKey(`key-${i}`, 3);
      if (!keyFor.has(p)) keyFor.set(p, `key-${i}`);
    }
    const records = [0, 1, 2].flatMap((p) =>
      Array.from({ length: 100 }, (_, i) => ({ key: keyFor.get(p)!, value: `${p}:${i}` })),
    );
    await log.producer().send('fair', records);
    const consumer = await log.consumer('fair-g', 'fair', handlersFrom());
    const first = await consumer.poll(30, 0);
    assert.equal(first.length, 30);
    for (const p of [0, 1, 2])
      assert.equal(first.filter((r) => r.partition === p).length, 10, `partition ${p}`);
    const all: LogRecord[] = [...first];
    for (;;) {
      const batch = await consumer.poll(37, 0);
      if (batch.length === 0) break;
      all.push(...batch);
    }
    for (const p of [0, 1, 2]) {
      const offsets = all.filter((r) => r.partition === p).map((r) => Number(r.offset));
      assert.deepEqual(
        offsets,
        Array.from({ length: 100 }, (_, i) => i),
      );
    }
    await consumer.close();
  });

  test('onAssigned gives start offsets; commit, lag and assignment; close calls onRevoked', async () => {
    await log.ensureTopic('pos', 2);
    await log.producer().send(
      'pos',
      Array.from({ length: 40 }, (_, i) => ({ key: `k${i}`, value: String(i) })),
    );
    const [p0, p1] = log.partitions('pos').map((p) => p.endOffset) as [number, number];
    const handlers = handlersFrom(
      new Map([
        [0, 2],
        [1, p1],
      ]),
    );
    const consumer = await log.consumer('pos-g', 'pos', handlers);
    assert.deepEqual([...consumer.assignment()].sort(), [0, 1]);
    assert.equal(await consumer.lag(), p0 - 2);
    const got = await consumer.poll(1000, 0);
    assert.equal(got.length, p0 - 2);
    assert.ok(got.every((r) => r.partition === 0 && r.offset >= 2));
    assert.equal(await consumer.lag(), 0);
    await consumer.commit(new Map([[0, BigInt(p0)]]));
    await assert.rejects(consumer.commit(new Map([[5, 1n]])), code('TF_LOG_INVALID_ARGUMENT'));
    await assert.rejects(consumer.commit(new Map([[0, -1n]])), code('TF_LOG_INVALID_ARGUMENT'));
    await consumer.close();
    assert.deepEqual(
      handlers.revoked.map((ps) => [...ps].sort()),
      [[0, 1]],
    );
    assert.deepEqual(consumer.assignment(), []);
    await assert.rejects(consumer.poll(1, 0), code('TF_LOG_CONSUMER_CLOSED'));
    // Without start offsets from onAssigned, the group's committed positions apply (else the oldest).
    const again = await log.consumer('pos-g', 'pos', handlersFrom());
    assert.equal(await again.lag(), p1);
    await again.close();
  });

  test('consumers of different groups are independent', async () => {
    await log.ensureTopic('groups', 1);
    await log.producer().send(
      'groups',
      Array.from({ length: 10 }, (_, i) => ({ key: 'k', value: String(i) })),
    );
    const a = await log.consumer('ga', 'groups', handlersFrom());
    const b = await log.consumer('gb', 'groups', handlersFrom());
    assert.equal((await a.poll(7, 0)).length, 7);
    assert.equal((await b.poll(3, 0)).length, 3);
    await a.commit(new Map([[0, 7n]]));
    assert.deepEqual([await a.lag(), await b.lag()], [3, 7]);
    assert.deepEqual(
      (await b.poll(100, 0)).map((r) => Number(r.offset)),
      [3, 4, 5, 6, 7, 8, 9],
    );
    await Promise.all([a.close(), b.close()]);
  });

  test('a start offset past the end starts at the end, as Kafka resets to latest; closing wakes a waiting poll', async () => {
    await log.ensureTopic('range', 1);
    await log.producer().send('range', [{ key: 'k', value: 'v' }]);
    const consumer = await log.consumer('range-g', 'range', handlersFrom(new Map([[0, 5]])));
    assert.deepEqual(consumer.positions(), new Map([[0, 1n]]));
    assert.equal(await consumer.lag(), 0);
    const start = performance.now();
    const waiting = consumer.poll(10, 10_000);
    await assert.rejects(consumer.poll(10, 0), code('TF_LOG_CONSUMER_BUSY'));
    await consumer.close();
    assert.deepEqual(await waiting, []);
    assert.ok(performance.now() - start < 1000);
  });
});
