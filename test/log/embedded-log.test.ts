import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { EmbeddedLog } from '../../src/log/embedded-log.js';
import { partitionForKey } from '../../src/log/partitioner.js';
import { TickflowError } from '../../src/errors.js';
import { silentLogger } from '../../src/logger.js';
import { byPartition, code, handlersFrom, openLog, readAll, tempDir } from './log-harness.js';

describe('embedded log: append and read', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  before(async () => ({ dir, cleanup } = await tempDir()));
  after(() => cleanup());

  test('records round-trip with keys, partitions by key, offsets from 0 and append timestamps', async () => {
    const log = await openLog(`${dir}/round-trip`);
    await log.ensureTopic('prices', 3);
    const t0 = Date.now();
    const records = ['BTC', 'ETH', 'SOL', 'ADA', 'BTC', 'SOL'].map((key, i) => ({
      key,
      value: `{"i":${i}}`,
    }));
    await log.producer().send('prices', records);
    const read = await readAll(log, 'prices');
    assert.equal(read.length, records.length);
    for (const r of read) {
      assert.equal(r.topic, 'prices');
      assert.equal(r.partition, partitionForKey(r.key!, 3));
      assert.ok(r.timestamp >= t0 && r.timestamp <= Date.now());
    }
    for (const list of byPartition(read).values()) {
      assert.deepEqual(
        list.map((r) => Number(r.offset)),
        list.map((_, i) => i),
      );
    }
    const sent = read.map((r) => `${r.key}:${r.value}`).sort();
    assert.deepEqual(sent, records.map((r) => `${r.key}:${r.value}`).sort());
    await log.close();
  });

  test('records of one key keep send order across many concurrent sends; null keys go round-robin', async () => {
    const log = await openLog(`${dir}/order`);
    await log.ensureTopic('t', 3);
    const sends = Array.from({ length: 300 }, (_, i) =>
      log.producer().send('t', [{ key: `k${i % 5}`, value: String(i) }]),
    );
    await Promise.all(sends);
    await log.producer().send(
      't',
      Array.from({ length: 6 }, (_, i) => ({ key: null, value: `n${i}` })),
    );
    const read = await readAll(log, 't');
    for (let k = 0; k < 5; k++) {
      const values = read.filter((r) => r.key === `k${k}`).map((r) => Number(r.value));
      assert.deepEqual(
        values,
        Array.from({ length: 60 }, (_, j) => k + 5 * j),
      );
    }
    const nullKeyed = read.filter((r) => r.key === null);
    assert.deepEqual(nullKeyed.map((r) => r.partition).sort(), [0, 0, 1, 1, 2, 2]);
    await log.close();
  });

  test('offsets, records and committed group positions survive a reopen, and appends continue', async () => {
    const path = `${dir}/reopen`;
    let log = await openLog(path);
    await log.ensureTopic('t', 2);
    await log.producer().send(
      't',
      Array.from({ length: 50 }, (_, i) => ({ key: `k${i % 4}`, value: `v${i}` })),
    );
    const before = log.partitions('t');
    const consumer = await log.consumer('g', 't', handlersFrom());
    await consumer.commit(
      new Map([
        [0, 3n],
        [1, 4n],
      ]),
    );
    await log.close();

    log = await openLog(path);
    assert.deepEqual(log.partitions('t'), before);
    await log.ensureTopic('t', 2);
    await log.producer().send('t', [{ key: 'k0', value: 'after' }]);
    const read = await readAll(log, 't');
    assert.equal(read.length, 51);
    assert.equal(
      read.find((r) => r.value === 'after')?.offset,
      BigInt(before[partitionForKey('k0', 2)]!.endOffset),
    );
    const resumed = await log.consumer('g', 't', handlersFrom());
    const first = await resumed.poll(1000, 0);
    assert.equal(Math.min(...first.filter((r) => r.partition === 0).map((r) => Number(r.offset))), 3);
    assert.equal(Math.min(...first.filter((r) => r.partition === 1).map((r) => Number(r.offset))), 4);
    await log.close();
  });

  test('concurrent sends are group-committed: far fewer flushes (fsyncs) than sends', async () => {
    const log = await openLog(`${dir}/group-commit`);
    await log.ensureTopic('t', 3);
    await Promise.all(
      Array.from({ length: 500 }, (_, i) => log.producer().send('t', [{ key: `k${i}`, value: 'x' }])),
    );
    const stats = log.stats();
    assert.equal(stats.sends, 500);
    assert.equal(stats.records, 500);
    assert.ok(stats.flushes <= 5, `${stats.flushes} flushes for 500 concurrent sends`);
    await log.close();
  });

  test('ensureTopic is idempotent, refuses another partition count and bad names; unknown topics are coded errors', async () => {
    const log = await openLog(`${dir}/topics`);
    await Promise.all([log.ensureTopic('a', 3), log.ensureTopic('a', 3)]);
    await log.ensureTopic('a', 3);
    await assert.rejects(log.ensureTopic('a', 4), code('TF_LOG_PARTITION_MISMATCH'));
    await assert.rejects(log.ensureTopic('../x', 1), code('TF_LOG_INVALID_TOPIC'));
    await assert.rejects(log.ensureTopic('b', 0), code('TF_LOG_INVALID_TOPIC'));
    await assert.rejects(
      log.producer().send('nope', [{ key: null, value: 'x' }]),
      code('TF_LOG_UNKNOWN_TOPIC'),
    );
    await assert.rejects(log.consumer('g', 'nope', handlersFrom()), code('TF_LOG_UNKNOWN_TOPIC'));
    await assert.rejects(
      log.producer().send('a', [{ key: null, value: 42 as unknown as string }]),
      code('TF_LOG_INVALID_RECORD'),
    );
    await assert.rejects(
      log.producer().send('a', [{ key: null, value: 'x'.repeat(2 * 1024 * 1024) }]),
      code('TF_LOG_RECORD_TOO_LARGE'),
    );
    await log.producer().send('a', []);
    assert.deepEqual(
      log.partitions('a').map((p) => p.endOffset),
      [0, 0, 0],
    );
    await log.close();
    const reopened = await openLog(`${dir}/topics`);
    await assert.rejects(reopened.ensureTopic('a', 1), code('TF_LOG_PARTITION_MISMATCH'));
    await reopened.close();
  });

  test('health resolves while open; after close it and every call fail with a retriable TF_LOG_UNAVAILABLE', async () => {
    const log = new EmbeddedLog(`${dir}/health`, silentLogger());
    await assert.rejects(log.health(), code('TF_LOG_UNAVAILABLE'));
    await log.start();
    await log.health();
    await log.ensureTopic('t', 1);
    const pending = log.producer().send('t', [{ key: 'a', value: 'flushed by close' }]);
    await log.close();
    await pending;
    await log.close();
    const err = await log.health().catch((e: unknown) => e);
    assert.ok(err instanceof TickflowError && err.code === 'TF_LOG_UNAVAILABLE' && err.retriable);
    await assert.rejects(log.producer().send('t', [{ key: 'a', value: 'x' }]), code('TF_LOG_UNAVAILABLE'));
    await assert.rejects(log.ensureTopic('t', 1), code('TF_LOG_UNAVAILABLE'));
    await assert.rejects(log.start(), code('TF_LOG_UNAVAILABLE'));
    const reopened = await openLog(`${dir}/health`);
    assert.equal((await readAll(reopened, 't'))[0]?.value, 'flushed by close');
    await reopened.close();
  });
});
