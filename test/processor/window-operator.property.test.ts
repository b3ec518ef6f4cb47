import assert from 'node:assert/strict';
import { test } from 'node:test';

import fc from 'fast-check';

import type { Tick } from '../../src/domain/tick.js';
import { intervalOf } from '../../src/domain/interval.js';
import { durationMs, epochMs } from '../../src/domain/time.js';
import { seededRandom } from '../../src/lib/seeded-random.js';
import { encodeCheckpoint, restoreOperator, snapshotOperator } from '../../src/processor/checkpoint-codec.js';
import { oracle } from './oracle.js';
import {
  buildLog,
  defaultIntervals,
  interleave,
  type LogRecord,
  PARTITIONS,
  scenarioArb,
  smallIntervals,
  SYMBOLS,
  symbolLogs,
} from './support/tick-scenarios.js';
import {
  assertMatchesOracle,
  lateBySymbol,
  matchesOracle,
  operatorFor,
  Recorder,
  roundTrip,
  runUninterrupted,
  sortAlerts,
  sortCandles,
  sortEmissions,
  sumStats,
} from './support/operator-runs.js';
test('oracle: a hand-checked example', () => {
  const minute = intervalOf(durationMs(60_000));
  const t = (ts: number, p: number, seq: string | null, vol = 0): Tick => ({
    symbol: 'BTC',
    price: p,
    ts: epochMs(ts),
    receivedAt: epochMs(ts),
    source: 'binance',
    volume: vol,
    seq,
    change24h: null,
    volume24h: null,
  });
  const ticks = [
    t(1_000, 10, 'a', 2),
    t(1_000, 11, 'b', 1), // same instant, later in the log: never opens
    t(500, 12, 'c'), // out of order within the bound: opens
    t(1_000, 99, 'a'), // same dedup key as the first tick: a duplicate, whatever its price
    t(61_000, 13, 'd'), // W = 61_000 − 10_000 − 1, window [0, 60 000) has not fired yet
    t(1_000, 9, 'e'), // still in time; the last of the ticks at 1 000 in the log: closes
    t(71_000, 15, 'f'), // W = 60 999: [0, 60 000) fires
    t(30_000, 16, 'g'), // late: dropped
  ];
  const result = oracle(ticks, { intervals: [minute], boundMs: 10_000 });
  assert.deepEqual(sortCandles(result.candles), [
    {
      symbol: 'BTC',
      interval: '1m',
      windowStart: 0,
      windowEnd: 60_000,
      open: 12,
      high: 12,
      low: 9,
      close: 9,
      volume: 3,
      trades: 4,
      vwap: (10 * 2 + 11) / 3,
      closed: true,
    },
    {
      symbol: 'BTC',
      interval: '1m',
      windowStart: 60_000,
      windowEnd: 120_000,
      open: 13,
      high: 15,
      low: 13,
      close: 15,
      volume: null, // no tick carried a size: unknown, not 0
      trades: 2,
      vwap: null,
      closed: true,
    },
  ]);
  assert.deepEqual(result.late, [{ tick: ticks[7], interval: '1m', windowStart: 0, accepted: false }]);
  assert.equal(result.counts.duplicates, 1);
  assertMatchesOracle({ intervals: [minute], boundMs: 10_000, allowedLatenessMs: 0 }, ticks);
});

test('oracle: without a seq, a duplicate is the same time, price and size', () => {
  const minute = intervalOf(durationMs(60_000));
  const t = (ts: number, p: number, vol: number): Tick => ({
    symbol: 'BTC',
    price: p,
    ts: epochMs(ts),
    receivedAt: epochMs(ts),
    source: 'file',
    volume: vol,
    seq: null,
    change24h: null,
    volume24h: null,
  });
  const ticks = [
    t(1_000, 10, 2),
    t(1_000, 11, 2), // same millisecond, another price: a distinct trade
    t(1_000, 10, 3), // same millisecond and price, another size: a distinct trade
    t(1_000, 10, 2), // the first one again: a duplicate
    t(2_000, 12, 0),
    t(2_000, 12, 0), // a snapshot repeated: a duplicate
    t(80_000, 20, 1), // closes [0, 60 000)
  ];
  const result = oracle(ticks, { intervals: [minute], boundMs: 10_000 });
  assert.deepEqual(sortCandles(result.candles)[0], {
    symbol: 'BTC',
    interval: '1m',
    windowStart: 0,
    windowEnd: 60_000,
    open: 10,
    high: 12,
    low: 10,
    close: 12,
    volume: 7,
    trades: 4,
    vwap: (10 * 2 + 11 * 2 + 10 * 3) / 7,
    closed: true,
  });
  assert.equal(result.counts.duplicates, 2);
  assertMatchesOracle({ intervals: [minute], boundMs: 10_000, allowedLatenessMs: 0 }, ticks);
});

test('window operator equals the batch oracle (1m, 5m, 15m)', () => {
  fc.assert(fc.property(scenarioArb(defaultIntervals), matchesOracle), { numRuns: 200 });
});

test('window operator equals the batch oracle (random small intervals)', () => {
  fc.assert(fc.property(scenarioArb(smallIntervals), matchesOracle), { numRuns: 200 });
});

test('window operator equals the batch oracle with allowed lateness', () => {
  const lateness = fc.oneof(fc.integer({ min: 1, max: 5_000 }), fc.integer({ min: 1, max: 20 * 60_000 }));
  fc.assert(fc.property(scenarioArb(fc.oneof(defaultIntervals, smallIntervals), lateness), matchesOracle), {
    numRuns: 150,
  });
});

test('candles and alerts do not depend on the interleaving of symbols or on partitions', () => {
  const lateness = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 5 * 60_000 }));
  const arb = fc.record({
    s: scenarioArb(fc.oneof(defaultIntervals, smallIntervals), lateness),
    seed: fc.integer(),
    partitions: fc.array(fc.integer({ min: 0, max: PARTITIONS - 1 }), {
      minLength: SYMBOLS.length,
      maxLength: SYMBOLS.length,
    }),
  });
  fc.assert(
    fc.property(arb, ({ s, seed, partitions }) => {
      const original = buildLog(s);
      const queues = symbolLogs(s).map((ticks, i) =>
        ticks.map((tick): LogRecord => ({ partition: partitions[i]!, tick })),
      );
      const reassigned = interleave(queues, seededRandom(seed));
      const a = runUninterrupted(
        s,
        original.map((r) => r.tick),
      );
      const b = runUninterrupted(
        s,
        reassigned.map((r) => r.tick),
      );
      assert.deepEqual(sortEmissions(b.recorder.emissions), sortEmissions(a.recorder.emissions));
      assert.deepEqual(sortAlerts(b.recorder.alerts), sortAlerts(a.recorder.alerts));
      assert.deepEqual(lateBySymbol(b.recorder.lateRecords), lateBySymbol(a.recorder.lateRecords));
      assert.deepEqual(b.stats, a.stats);
    }),
    { numRuns: 150 },
  );
});

test('snapshot and restore mid-stream gives exactly the uninterrupted output', () => {
  const lateness = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 5 * 60_000 }));
  const arb = fc.record({
    s: scenarioArb(fc.oneof(defaultIntervals, smallIntervals), lateness),
    cuts: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
  });
  fc.assert(
    fc.property(arb, ({ s, cuts }) => {
      const ticks = buildLog(s).map((r) => r.tick);
      const whole = new Recorder();
      const uninterrupted = operatorFor(s, whole);
      for (const tick of ticks) uninterrupted.process(tick);
      const wholeState = encodeCheckpoint(snapshotOperator(uninterrupted));
      uninterrupted.flush();

      const at = cuts.map((c) => c % (ticks.length + 1)).sort((x, y) => x - y);
      const pieces = new Recorder();
      let op = operatorFor(s, pieces);
      ticks.forEach((tick, i) => {
        while (at[0] === i) {
          at.shift();
          const checkpoint = roundTrip(op);
          op = operatorFor(s, pieces);
          restoreOperator(op, checkpoint);
        }
        op.process(tick);
      });
      if (at.length > 0) {
        const checkpoint = roundTrip(op);
        op = operatorFor(s, pieces);
        restoreOperator(op, checkpoint);
      }
      assert.equal(encodeCheckpoint(snapshotOperator(op)), wholeState);
      op.flush();

      assert.deepEqual(pieces.events, whole.events);
      assert.deepEqual(op.stats, uninterrupted.stats);
    }),
    { numRuns: 150 },
  );
});

test('restoring a snapshot split by symbol into one operator gives the same candles', () => {
  const lateness = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 5 * 60_000 }));
  const arb = fc.record({
    s: scenarioArb(fc.oneof(defaultIntervals, smallIntervals), lateness),
    cut: fc.nat(),
    firstHalf: fc.uniqueArray(fc.constantFrom(...SYMBOLS)),
  });
  fc.assert(
    fc.property(arb, ({ s, cut, firstHalf }) => {
      const ticks = buildLog(s).map((r) => r.tick);
      const whole = runUninterrupted(s, ticks);
      const at = cut % (ticks.length + 1);

      const before = new Recorder();
      const first = operatorFor(s, before);
      for (const tick of ticks.slice(0, at)) first.process(tick);
      const inFirst = (symbol: string): boolean => firstHalf.includes(symbol as (typeof SYMBOLS)[number]);
      const a = roundTrip(first, inFirst);
      const b = roundTrip(first, (symbol) => !inFirst(symbol));

      const after = new Recorder();
      const second = operatorFor(s, after);
      restoreOperator(second, a, false);
      restoreOperator(second, b, false);
      for (const tick of ticks.slice(at)) second.process(tick);
      second.flush();

      const emissions = [...before.emissions, ...after.emissions];
      assert.deepEqual(sortEmissions(emissions), sortEmissions(whole.recorder.emissions));
      assert.deepEqual(sortAlerts([...before.alerts, ...after.alerts]), sortAlerts(whole.recorder.alerts));
      assert.deepEqual(sumStats(first.stats, second.stats), whole.stats);
    }),
    { numRuns: 150 },
  );
});

test('moving partitions between operators mid-stream (a rebalance) changes nothing', () => {
  const owners = 2;
  const assignment = fc.array(fc.integer({ min: 0, max: owners - 1 }), {
    minLength: PARTITIONS,
    maxLength: PARTITIONS,
  });
  const lateness = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 5 * 60_000 }));
  const arb = fc.record({
    s: scenarioArb(fc.oneof(defaultIntervals, smallIntervals), lateness),
    initial: assignment,
    rebalances: fc.array(fc.record({ at: fc.nat(), owners: assignment }), { maxLength: 3 }),
  });
  fc.assert(
    fc.property(arb, ({ s, initial, rebalances }) => {
      const log = buildLog(s);
      const whole = runUninterrupted(
        s,
        log.map((r) => r.tick),
      );
      const partitionOf = new Map(log.map((r) => [r.tick.symbol, r.partition]));
      // One sink for all owners, in processing order, so each symbol's late records keep their order.
      const sink = new Recorder();
      const ops = Array.from({ length: owners }, () => operatorFor(s, sink));
      let owner = [...initial];
      const plan = rebalances
        .map((r) => ({ at: r.at % (log.length + 1), owners: r.owners }))
        .sort((x, y) => x.at - y.at);

      const rebalance = (next: readonly number[]): void => {
        for (let p = 0; p < PARTITIONS; p++) {
          const from = ops[owner[p]!]!;
          const to = ops[next[p]!]!;
          if (from === to) continue;
          const moves = (symbol: string): boolean => partitionOf.get(symbol) === p;
          restoreOperator(to, roundTrip(from, moves), false);
          from.dropState(moves);
        }
        owner = [...next];
      };
      log.forEach((record, i) => {
        while (plan[0]?.at === i) rebalance(plan.shift()!.owners);
        ops[owner[record.partition]!]!.process(record.tick);
      });
      for (const op of ops) op.flush();

      assert.deepEqual(sortEmissions(sink.emissions), sortEmissions(whole.recorder.emissions));
      assert.deepEqual(sortAlerts(sink.alerts), sortAlerts(whole.recorder.alerts));
      assert.deepEqual(lateBySymbol(sink.lateRecords), lateBySymbol(whole.recorder.lateRecords));
      assert.deepEqual(ops.map((op) => op.stats).reduce(sumStats), whole.stats);
    }),
    { numRuns: 100 },
  );
});
