import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MIN, T0, alert, batch, candle } from './fixtures.js';
import { describeEachStore } from './store-backends.js';

describeEachStore('SqlStore fencing and the shared outbox', (db) => {
  test('each claim bumps the epoch and returns the checkpoint; a commit with an older epoch writes nothing', async () => {
    const [first] = await db.store.claimPartitions('g-fence', 'member-a', [0]);
    assert.deepEqual(first, { partition: 0, epoch: 1n, checkpoint: null });
    const checkpoint = { partition: 0, nextOffset: 5n, state: 'a' };
    await db.store.commit(
      batch({ group: 'g-fence', fence: { partition: 0, epoch: 1n }, checkpoints: [checkpoint] }),
    );
    const [second] = await db.store.claimPartitions('g-fence', 'member-b', [0]);
    assert.deepEqual(second, { partition: 0, epoch: 2n, checkpoint });

    const zombie = batch({
      group: 'g-fence',
      fence: { partition: 0, epoch: 1n },
      candles: [candle({ symbol: 'FZ1', windowStart: T0 })],
      alerts: [alert({ symbol: 'FZ1', ts: T0 + MIN })],
      checkpoints: [{ partition: 0, nextOffset: 9n, state: 'zombie' }],
    });
    await assert.rejects(
      db.store.commit(zombie),
      (err: { code?: string; retriable?: boolean; message: string }) => {
        assert.equal(err.code, 'TF_STORE_FENCED');
        assert.equal(err.retriable, false);
        assert.match(err.message, /holds epoch 1, but member-b has claimed it since \(epoch 2\)/);
        return true;
      },
    );
    assert.equal(await db.countOf('price_candles', 'FZ1'), 0);
    assert.equal(await db.countOf('price_alerts', 'FZ1'), 0);
    assert.deepEqual((await db.store.loadCheckpoints('g-fence', [0])).get(0), checkpoint);

    await db.store.commit({ ...zombie, fence: { partition: 0, epoch: 2n } });
    assert.equal(await db.countOf('price_candles', 'FZ1'), 1);
    // A partition never claimed cannot be committed with a fence either.
    await assert.rejects(db.store.commit(batch({ group: 'g-fence', fence: { partition: 7, epoch: 1n } })), {
      code: 'TF_STORE_FENCED',
    });
  });

  test('relays lease disjoint alerts from the outbox; an expired lease lets another relay take them', async () => {
    await db.store.markPublished((await db.store.pendingOutbox(100)).map((e) => e.seq)); // other tests'
    const alerts = Array.from({ length: 6 }, (_, i) => alert({ symbol: 'OB1', ts: T0 + i * MIN }));
    await db.store.commit(batch({ alerts }));
    const [a, b] = await Promise.all([
      db.store.claimOutbox('relay-a', 4, 60_000),
      db.store.claimOutbox('relay-b', 4, 60_000),
    ]);
    const seqs = [...a, ...b].map((e) => e.seq);
    assert.equal(new Set(seqs).size, 6, 'six alerts, each leased once');
    assert.deepEqual(await db.store.claimOutbox('relay-c', 10, 60_000), [], 'all are leased');

    await db.store.markPublished(a.map((e) => e.seq));
    await db.client.query(
      `UPDATE alert_outbox SET lease_until = now() - interval '1 second' WHERE lease_owner = 'relay-b'`,
    );
    const retaken = await db.store.claimOutbox('relay-c', 10, 60_000);
    assert.deepEqual(
      retaken.map((e) => e.seq),
      b.map((e) => e.seq),
      'relay-b died holding its lease: relay-c takes exactly its alerts, oldest first',
    );
    assert.equal((await db.store.pendingOutbox(10)).length, b.length);
  });
});
