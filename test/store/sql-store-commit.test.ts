import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { isTickflowError } from '../../src/errors.js';
import { MIN, T0, alert, batch, candle } from './fixtures.js';
import { describeEachStore } from './store-backends.js';

// Each suite runs on PGlite and on PostgreSQL, one database each for the file; tests use their own symbols.
describeEachStore('SqlStore commit', (db) => {
  test('writes symbols, candles, alerts, outbox entries and checkpoints', async () => {
    const c = candle({ symbol: 'CM1', windowStart: T0, volume: 2.5, vwap: 101.25 });
    const a = alert({ symbol: 'CM1', ts: T0 + MIN });
    await db.store.commit(
      batch({
        group: 'g-commit',
        candles: [c],
        alerts: [a],
        checkpoints: [{ partition: 0, nextOffset: 42n, state: 's' }],
      }),
    );
    assert.deepEqual(await db.store.candles({ symbol: 'CM1', interval: '1m', limit: 10 }), [c]);
    assert.deepEqual(await db.store.alerts({ symbol: 'CM1', limit: 10 }), [a]);
    assert.equal(await db.pendingOf('CM1'), 1);
    const checkpoints = await db.store.loadCheckpoints('g-commit', [0]);
    assert.deepEqual(checkpoints.get(0), { partition: 0, nextOffset: 42n, state: 's' });
    assert.ok((await db.store.symbols()).some((s) => s.symbol === 'CM1'));
  });

  test('an unknown volume is stored and read back as null, not 0', async () => {
    const c = candle({ symbol: 'NV1', windowStart: T0, volume: null, vwap: null, trades: 3 });
    await db.store.commit(batch({ candles: [c] }));
    const [stored] = await db.store.candles({ symbol: 'NV1', interval: '1m', limit: 10 });
    assert.equal(stored?.volume, null);
    assert.deepEqual(stored, c);
  });

  test('an upsert replaces a candle (an allowed-lateness update)', async () => {
    const first = candle({ symbol: 'UP1', windowStart: T0, close: 105, trades: 3 });
    const update = candle({
      symbol: 'UP1',
      windowStart: T0,
      close: 80,
      low: 79,
      trades: 4,
      volume: 1,
      vwap: 90,
    });
    await db.store.commit(batch({ candles: [first] }));
    await db.store.commit(batch({ candles: [update] }));
    assert.deepEqual(await db.store.candles({ symbol: 'UP1', interval: '1m', limit: 10 }), [update]);
    assert.equal(await db.countOf('price_candles', 'UP1'), 1);
  });

  test('replaying a batch leaves every row once and queues no second outbox entry', async () => {
    const candles = [0, 1, 2].map((i) => candle({ symbol: 'RP1', windowStart: T0 + i * MIN }));
    const alerts = [alert({ symbol: 'RP1', ts: T0 + MIN }), alert({ symbol: 'RP1', ts: T0 + 2 * MIN })];
    const replayed = batch({
      group: 'g-replay',
      candles,
      alerts,
      checkpoints: [{ partition: 1, nextOffset: 9n, state: 'x' }],
    });
    await db.store.commit(replayed);
    await db.store.commit(replayed);
    assert.equal(await db.countOf('price_candles', 'RP1'), 3);
    assert.equal(await db.countOf('price_alerts', 'RP1'), 2);
    assert.equal(await db.pendingOf('RP1'), 2);
    assert.deepEqual(await db.store.alerts({ symbol: 'RP1', limit: 10 }), alerts);
  });

  test('a key repeated within one batch keeps its last occurrence', async () => {
    const a = alert({ symbol: 'DUP', ts: T0 + MIN });
    const last = candle({ symbol: 'DUP', windowStart: T0, close: 99 });
    await db.store.commit(
      batch({
        group: 'g-dup',
        candles: [candle({ symbol: 'DUP', windowStart: T0 }), last],
        alerts: [a, a],
        checkpoints: [
          { partition: 0, nextOffset: 1n, state: 'a' },
          { partition: 0, nextOffset: 2n, state: 'b' },
        ],
      }),
    );
    assert.deepEqual(await db.store.candles({ symbol: 'DUP', interval: '1m', limit: 10 }), [last]);
    assert.equal(await db.pendingOf('DUP'), 1);
    assert.equal((await db.store.loadCheckpoints('g-dup', [0])).get(0)?.nextOffset, 2n);
  });
});

describeEachStore('SqlStore commit atomicity', (db) => {
  const checkpoint = (offset: number) => ({
    partition: 0,
    nextOffset: BigInt(offset),
    state: `at-${offset}`,
  });

  const assertNothingOf = async (symbol: string, group: string, offset: number): Promise<void> => {
    assert.ok(!(await db.store.symbols()).some((s) => s.symbol === symbol), 'no symbol row');
    assert.equal(await db.countOf('price_candles', symbol), 0);
    assert.equal(await db.countOf('price_alerts', symbol), 0);
    assert.equal(await db.pendingOf(symbol), 0);
    assert.equal((await db.store.loadCheckpoints(group, [0])).get(0)?.nextOffset, BigInt(offset));
  };

  test('a candle that violates a constraint leaves nothing of the batch written', async () => {
    await db.store.commit(batch({ group: 'g-atom1', checkpoints: [checkpoint(5)] }));
    const bad = candle({ symbol: 'AT1', windowStart: T0 + MIN, low: 200, high: 100 });
    const failing = batch({
      group: 'g-atom1',
      candles: [
        candle({ symbol: 'AT1', windowStart: T0 }),
        bad,
        candle({ symbol: 'AT1', windowStart: T0 + 2 * MIN }),
      ],
      alerts: [alert({ symbol: 'AT1', ts: T0 + MIN })],
      checkpoints: [checkpoint(10)],
    });
    await assert.rejects(db.store.commit(failing), (err) => {
      assert.ok(isTickflowError(err));
      assert.equal(err.code, 'TF_STORE_QUERY');
      assert.equal(err.retriable, false);
      assert.match(err.message, /price_candles_range/);
      return true;
    });
    await assertNothingOf('AT1', 'g-atom1', 5);
  });

  test('a failure in the last statement rolls back the candles and alerts written before it', async () => {
    await db.store.commit(batch({ group: 'g-atom2', checkpoints: [checkpoint(5)] }));
    const failing = batch({
      group: 'g-atom2',
      candles: [candle({ symbol: 'AT2', windowStart: T0 })],
      alerts: [alert({ symbol: 'AT2', ts: T0 + MIN })],
      checkpoints: [checkpoint(10), { partition: 1, nextOffset: 1n, state: null as unknown as string }],
    });
    await assert.rejects(db.store.commit(failing), { code: 'TF_STORE_QUERY' });
    await assertNothingOf('AT2', 'g-atom2', 5);
    await db.store.commit({ ...failing, checkpoints: [checkpoint(10)] });
    assert.equal(await db.countOf('price_candles', 'AT2'), 1);
  });
});

describeEachStore('SqlStore outbox', (db) => {
  before(async () => {
    // Start from an empty queue: the tests above left alerts pending.
    await db.store.markPublished((await db.store.pendingOutbox(100_000)).map((e) => e.seq));
  });

  test('the outbox hands out alerts oldest first until they are marked published', async () => {
    const alerts = [0, 1, 2, 3, 4].map((i) =>
      alert({ symbol: i % 2 === 0 ? 'OB1' : 'OB2', ts: T0 + i * MIN }),
    );
    await db.store.commit(batch({ alerts: alerts.slice(0, 3) }));
    await db.store.commit(batch({ alerts: alerts.slice(3) }));

    const pending = await db.store.pendingOutbox(100);
    assert.deepEqual(
      pending.map((e) => e.alert),
      alerts,
    );
    const seqs = pending.map((e) => e.seq);
    assert.deepEqual(
      seqs,
      [...seqs].sort((a, b) => a - b),
    );
    assert.deepEqual(await db.store.pendingOutbox(2), pending.slice(0, 2));

    await db.store.markPublished(seqs.slice(0, 2));
    assert.deepEqual(await db.store.pendingOutbox(100), pending.slice(2));
    await db.store.markPublished(seqs.slice(0, 3));
    await db.store.markPublished([]);
    assert.deepEqual(await db.store.pendingOutbox(100), pending.slice(3));

    // Publishing again after a crash between publish and mark is harmless: the rows are marked once.
    await db.store.markPublished(seqs);
    assert.deepEqual(await db.store.pendingOutbox(100), []);
    const published = await db.client.query(
      'SELECT seq FROM alert_outbox WHERE seq = ANY($1::bigint[]) AND published_at IS NOT NULL',
      [seqs],
    );
    assert.equal(published.length, 5, 'published entries are kept, marked');
  });

  test('a replayed alert that was already published is not queued again', async () => {
    const a = alert({ symbol: 'OB3', ts: T0 });
    await db.store.commit(batch({ alerts: [a] }));
    const [entry] = await db.store.pendingOutbox(100);
    assert.deepEqual(entry?.alert, a);
    await db.store.markPublished([entry.seq]);
    await db.store.commit(batch({ alerts: [a] }));
    assert.deepEqual(await db.store.pendingOutbox(100), []);
  });
});
