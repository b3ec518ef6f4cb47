import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { EmbeddedLog } from '../../src/log/embedded-log.js';
import type { LogConsumer, LogRecord } from '../../src/log/log.js';
import { handlersFrom, openLog, tempDir } from './log-harness.js';

/** Polls every member until `done()` holds, failing after 5 s; returns what the polls read. */
async function pollUntil(consumers: readonly LogConsumer[], done: () => boolean): Promise<LogRecord[]> {
  const deadline = performance.now() + 5_000;
  const read: LogRecord[] = [];
  while (!done()) {
    if (performance.now() > deadline) throw new Error('timed out waiting for the group to settle');
    for (const c of consumers) read.push(...(await c.poll(3, 10)));
  }
  return read;
}

describe('embedded log: consumer groups rebalance', () => {
  let cleanup: () => Promise<void>;
  let log: EmbeddedLog;
  let now = 1_000_000;
  before(async () => {
    const temp = await tempDir();
    cleanup = temp.cleanup;
    // The group's clock is the log's clock, so a test can make a member overstay its session.
    log = await openLog(temp.dir, { sessionTimeoutMs: 10_000, now: () => now });
    await log.ensureTopic('t', 3);
    await log.producer().send(
      't',
      Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: String(i) })),
    );
  });
  after(async () => {
    await log.close();
    await cleanup();
  });

  test('a member joining takes a share only after the owner revoked it; leaving hands it back', async () => {
    const handlersA = handlersFrom();
    const a = await log.consumer('g1', 't', handlersA);
    assert.deepEqual(a.assignment(), [0, 1, 2]);
    const generation = a.membership()!.generation;
    const handlersB = handlersFrom();
    const b = await log.consumer('g1', 't', handlersB);
    // B joined, but A still owns everything until its next poll revokes what moves.
    assert.deepEqual(b.assignment(), []);
    assert.ok(b.membership()!.generation > generation);
    await a.poll(1, 0);
    assert.deepEqual(handlersA.revoked, [[2]]);
    assert.deepEqual(a.assignment(), [0, 1]);
    await b.poll(1, 0);
    assert.deepEqual(handlersB.assigned, [[2]]);
    assert.deepEqual(b.assignment(), [2]);
    await b.close();
    assert.deepEqual(handlersB.revoked, [[2]]);
    await a.poll(1, 0);
    assert.deepEqual(a.assignment(), [0, 1, 2]);
    assert.deepEqual(handlersA.assigned, [[0, 1, 2], [2]]);
    assert.deepEqual(handlersA.lost, []);
    await a.close();
  });

  test('every record is read once across a rebalance, each partition by one member at a time', async () => {
    const a = await log.consumer('g2', 't', handlersFrom());
    const seen: LogRecord[] = [...(await a.poll(5, 0))];
    const b = await log.consumer('g2', 't', handlersFrom());
    const c = await log.consumer('g2', 't', handlersFrom());
    const all = [a, b, c];
    seen.push(...(await pollUntil(all, () => all.every((m) => m.assignment().length === 1))));
    for (;;) {
      const batches = await Promise.all(all.map((m) => m.poll(3, 0)));
      if (batches.every((batch) => batch.length === 0)) break;
      batches.forEach((batch, i) => {
        assert.ok(batch.every((r) => all[i]!.assignment().includes(r.partition)));
        seen.push(...batch);
      });
    }
    // A revoked partition is read again from its committed position (none here: the oldest) by its new
    // owner, so records may come twice but never go missing; the processor's checkpoints make that exact.
    const values = new Set(seen.map((r) => r.value));
    assert.equal(values.size, 30);
    await Promise.all(all.map((m) => m.close()));
  });

  test('a member silent past its session timeout is expelled: its partitions move, and it learns of the loss', async () => {
    const handlersA = handlersFrom();
    const a = await log.consumer('g3', 't', handlersA);
    const handlersB = handlersFrom();
    const b = await log.consumer('g3', 't', handlersB);
    await pollUntil([a, b], () => b.assignment().length === 1);
    now += 10_001; // A pauses (a long GC, say) while B keeps polling
    await b.poll(1, 0);
    assert.deepEqual(b.assignment(), [0, 1, 2]);
    assert.deepEqual(handlersB.lost, []);
    // A's next poll tells it that it lost its partitions, without a revoke, and it rejoins.
    await a.poll(1, 0);
    assert.deepEqual(handlersA.lost, [[0, 1]]);
    assert.deepEqual(handlersA.revoked, [[2]]);
    // A rejoined after B, so B now has the first range.
    await pollUntil([a, b], () => a.assignment().length === 1 && b.assignment().length === 2);
    assert.deepEqual(b.assignment(), [0, 1]);
    await Promise.all([a.close(), b.close()]);
  });

  test('paused partitions stay assigned and are not fetched; resume goes on from the same place', async () => {
    const a = await log.consumer('g4', 't', handlersFrom());
    a.pause([0, 1]);
    assert.deepEqual(a.paused(), [0, 1]);
    const got = await a.poll(1000, 0);
    assert.ok(got.length > 0 && got.every((r) => r.partition === 2));
    assert.deepEqual(await a.poll(1000, 20), []);
    assert.deepEqual(a.assignment(), [0, 1, 2]);
    a.resume([0]);
    const resumed = await a.poll(1000, 0);
    assert.ok(resumed.length > 0 && resumed.every((r) => r.partition === 0));
    assert.equal(resumed[0]!.offset, 0n);
    await a.close();
  });

  test('a poll waiting on an empty log wakes when a member joins, and revokes at once', async () => {
    await log.ensureTopic('idle', 2);
    const handlersA = handlersFrom();
    const a = await log.consumer('g5', 'idle', handlersA);
    const waiting = a.poll(10, 5_000);
    const started = performance.now();
    const handlersB = handlersFrom();
    const b = await log.consumer('g5', 'idle', handlersB);
    while (handlersA.revoked.length === 0 && performance.now() - started < 5_000) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    assert.ok(performance.now() - started < 1_000, 'the waiting poll revoked within a second');
    assert.deepEqual(handlersA.revoked, [[1]]);
    await b.poll(1, 0);
    assert.deepEqual(handlersB.assigned, [[1]]);
    await Promise.all([a.close(), b.close()]);
    assert.deepEqual(await waiting, [], 'close wakes the waiting poll');
  });
});
