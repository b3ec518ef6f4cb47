import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { MIN, T0, alert, batch, candle } from './fixtures.js';
import { describeEachStore } from './store-backends.js';

// Each suite runs on PGlite and on PostgreSQL, one database each for the file; tests use their own symbols.
describeEachStore('SqlStore queries', (db) => {
  before(async () => {
    const candles = Array.from({ length: 10 }, (_, i) =>
      candle({ symbol: 'QC', windowStart: T0 + i * MIN, close: i + 1 }),
    );
    const others = [
      candle({ symbol: 'QC', interval: '5m', windowStart: T0, windowEnd: T0 + 5 * MIN }),
      candle({ symbol: 'QD', windowStart: T0 }),
    ];
    // Out of order on purpose: results must come back oldest first.
    await db.store.commit(batch({ candles: [...candles.reverse(), ...others] }));
  });

  const starts = async (query: { from?: number; to?: number; limit: number; interval?: string }) =>
    (await db.store.candles({ symbol: 'QC', interval: '1m', ...query })).map(
      (c) => (c.windowStart - T0) / MIN,
    );

  test('candles: from is inclusive, to exclusive, oldest first, up to limit', async () => {
    assert.deepEqual(await starts({ limit: 100 }), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.deepEqual(await starts({ from: T0 + 2 * MIN, to: T0 + 7 * MIN, limit: 100 }), [2, 3, 4, 5, 6]);
    assert.deepEqual(
      await starts({ from: T0 + 2 * MIN + 1, to: T0 + 7 * MIN + 1, limit: 100 }),
      [3, 4, 5, 6, 7],
    );
    assert.deepEqual(await starts({ limit: 0 }), []);
    assert.deepEqual(await starts({ from: T0 + 10 * MIN, limit: 5 }), []);
  });

  test('candles: the first limit from from, else the newest limit (before to), always oldest first', async () => {
    assert.deepEqual(await starts({ limit: 3 }), [7, 8, 9], 'no bounds: the newest 3');
    assert.deepEqual(await starts({ from: T0 + 2 * MIN, limit: 3 }), [2, 3, 4], 'from: the 3 from there');
    assert.deepEqual(await starts({ from: T0 + 2 * MIN, to: T0 + 9 * MIN, limit: 3 }), [2, 3, 4]);
    assert.deepEqual(await starts({ to: T0 + 7 * MIN, limit: 3 }), [4, 5, 6], 'to only: the 3 before it');
    assert.deepEqual(await starts({ to: T0 + 6 * MIN + 1, limit: 3 }), [4, 5, 6], 'to is exclusive');
    assert.deepEqual(await starts({ to: T0 + 2 * MIN, limit: 3 }), [0, 1], 'fewer than limit before to');
    assert.deepEqual(await starts({ to: T0, limit: 3 }), []);
  });

  test('candles page CCXT-style with from + limit', async () => {
    const pages: number[][] = [];
    let from = T0 - 1_000_000;
    for (;;) {
      const page = await db.store.candles({ symbol: 'QC', interval: '1m', from, limit: 4 });
      if (page.length === 0) break;
      pages.push(page.map((c) => (c.windowStart - T0) / MIN));
      from = page[page.length - 1]!.windowStart + 1;
    }
    assert.deepEqual(pages, [
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
  });

  test('candles of another interval or symbol stay apart, and unknown ones are empty', async () => {
    assert.deepEqual(await starts({ interval: '5m', limit: 100 }), [0]);
    assert.equal((await db.store.candles({ symbol: 'QD', interval: '1m', limit: 100 })).length, 1);
    assert.deepEqual(await db.store.candles({ symbol: 'NOPE', interval: '1m', limit: 100 }), []);
  });

  test('alerts: since is inclusive, oldest first by ts then id, up to limit', async () => {
    const rules = ['zscore', 'price_spike', 'volume_spike'] as const;
    const alerts = rules.map((rule, i) => alert({ symbol: 'QA', rule, ts: T0 + (i === 2 ? 0 : MIN) }));
    await db.store.commit(batch({ alerts }));
    const ids = async (since: number | undefined, limit: number) =>
      (await db.store.alerts({ symbol: 'QA', limit, ...(since === undefined ? {} : { since }) })).map(
        (a) => a.rule,
      );
    assert.deepEqual(await ids(undefined, 10), ['volume_spike', 'price_spike', 'zscore']);
    assert.deepEqual(await ids(T0 + MIN, 10), ['price_spike', 'zscore']);
    assert.deepEqual(await ids(T0 + MIN + 1, 10), []);
    assert.deepEqual(await ids(undefined, 2), ['volume_spike', 'price_spike']);
  });

  test('symbols lists every symbol with its CoinGecko id; a null id never erases a known one', async () => {
    const before = Date.now();
    await db.store.registerSymbols([
      { symbol: 'SY1', coingeckoId: 'sy-one' },
      { symbol: 'SY2', coingeckoId: null },
    ]);
    await db.store.registerSymbols([
      { symbol: 'SY1', coingeckoId: null },
      { symbol: 'SY2', coingeckoId: 'sy-two' },
    ]);
    const symbols = await db.store.symbols();
    assert.deepEqual(
      symbols.map((s) => s.symbol),
      [...symbols.map((s) => s.symbol)].sort(),
    );
    const sy = symbols.filter((s) => s.symbol.startsWith('SY'));
    assert.deepEqual(
      sy.map((s) => [s.symbol, s.coingeckoId]),
      [
        ['SY1', 'sy-one'],
        ['SY2', 'sy-two'],
      ],
    );
    for (const s of sy) assert.ok(Math.abs(s.firstSeen - before) < 60_000, `firstSeen ${s.firstSeen}`);
  });

  test("checkpoints load per partition and group, with offsets exact up to Kafka's int64 maximum", async () => {
    const cp = (partition: number, nextOffset: bigint) => ({
      partition,
      nextOffset,
      state: `${partition}@${nextOffset}`,
    });
    const int64Max = 2n ** 63n - 1n; // 2^53 + 1 would already come back wrong as a double
    await db.store.commit(batch({ group: 'g-a', checkpoints: [cp(0, 10n), cp(1, 20n)] }));
    await db.store.commit(batch({ group: 'g-b', checkpoints: [cp(0, 99n)] }));
    await db.store.commit(batch({ group: 'g-a', checkpoints: [cp(1, int64Max)] }));
    assert.deepEqual(
      await db.store.loadCheckpoints('g-a', [0, 1, 2]),
      new Map([
        [0, cp(0, 10n)],
        [1, cp(1, int64Max)],
      ]),
    );
    assert.deepEqual(await db.store.loadCheckpoints('g-a', [2]), new Map());
    assert.deepEqual(await db.store.loadCheckpoints('g-b', [0, 1]), new Map([[0, cp(0, 99n)]]));
  });

  test('epoch ms round-trip exactly, odd values and the year 9999 included', async () => {
    const starts = [
      1, 999, 1_000_001, 1_700_000_000_123, 1_717_171_717_171, 4_102_444_800_777, 253_402_300_739_321,
    ];
    const candles = starts.map((ms, i) =>
      candle({ symbol: 'MS1', windowStart: ms, windowEnd: ms + 60_001 + i }),
    );
    const alerts = starts.map((ms) => alert({ symbol: 'MS1', windowStart: ms, ts: ms + 777 }));
    await db.store.commit(batch({ candles, alerts }));
    assert.deepEqual(await db.store.candles({ symbol: 'MS1', interval: '1m', limit: 100 }), candles);
    assert.deepEqual(await db.store.alerts({ symbol: 'MS1', limit: 100 }), alerts);
    const misaligned = await db.client.query(
      `SELECT 1 FROM price_candles p JOIN cryptocurrencies c ON c.id = p.crypto_id
       WHERE c.symbol = 'MS1' AND date_trunc('milliseconds', p.window_start) <> p.window_start`,
    );
    assert.deepEqual(misaligned, [], 'stored instants are whole milliseconds');
    const exact = await db.store.candles({
      symbol: 'MS1',
      interval: '1m',
      from: 1_700_000_000_123,
      to: 1_700_000_000_124,
      limit: 9,
    });
    assert.deepEqual(exact, [candles[3]]);
  });
});
