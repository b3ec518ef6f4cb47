import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PRICES_PARTITIONS, PRICES_TOPIC } from '../../src/log/log.js';
import { partitionForKey } from '../../src/log/partitioner.js';
import { MAX_DEAD_LETTER_CHARS } from '../../src/pipeline/partition-task.js';
import { DEAD_LETTER_TOPIC } from '../../src/pipeline/topics.js';
import { sec, T0, tick } from '../support/operator-harness.js';
import { recordingLogger } from '../support/recording-logger.js';
import { waitFor } from '../support/wait.js';
import { startRunner } from './runner-harness.js';

const FLAGS = { intervals: '1m', 'commit-interval': '20ms', 'checkpoint-interval': '50ms' };

/** Four ticks of a symbol: three in [T0, T0 + 1m) and one at T0 + 75 s, whose clock (64 s) closes it. */
const minute = (symbol: string, prices: readonly [number, number, number]) => [
  tick({ symbol, ts: T0, price: prices[0] }),
  tick({ symbol, ts: T0 + sec(20), price: prices[1] }),
  tick({ symbol, ts: T0 + sec(40), price: prices[2] }),
  tick({ symbol, ts: T0 + sec(75), price: 1 }),
];

/** The 1m candle [T0, T0 + 1m) of `minute(symbol, prices)`, worked out by hand. */
const closedMinute = (open: number, high: number, low: number, close: number) => ({
  windowStart: T0,
  windowEnd: T0 + sec(60),
  open,
  high,
  low,
  close,
  volume: null,
  trades: 3,
  vwap: null,
});

interface DeadLetter {
  code: string;
  reason: string;
  key: string | null;
  value: string;
  truncated?: boolean;
  keyLength?: number;
  valueLength?: number;
}

describe('a partition task', () => {
  test(
    'dead-letters a record of any size with its start and length, and goes on',
    { timeout: 60_000 },
    async () => {
      const h = await startRunner(FLAGS);
      try {
        const huge = `{"symbol":"BTC","price":${'9'.repeat(1_000_000)}`; // not JSON: it never ends
        const hugeType = JSON.stringify({ type: 'x'.repeat(900_000) });
        const [a, b, c, d] = minute('BTC', [100, 103, 99]);
        await h.send([a!, b!]);
        await h.log.producer().send(PRICES_TOPIC, [
          { key: 'BTC', value: huge },
          { key: 'K'.repeat(100_000), value: hugeType },
        ]);
        await h.send([c!, d!]);
        const candles = await waitFor('the BTC minute in the store', async () => {
          const stored = await h.store.candles({ symbol: 'BTC', interval: '1m', limit: 10 });
          return stored.length > 0 ? stored : undefined;
        });
        assert.deepEqual(
          candles.map(({ symbol: _s, interval: _i, closed: _c, ...rest }) => rest),
          [closedMinute(100, 103, 99, 99)],
        );
        const dead = await waitFor('two dead letters', async () => {
          const values = await h.readTopic(DEAD_LETTER_TOPIC);
          return values.length === 2 ? values.map((v) => JSON.parse(v) as DeadLetter) : undefined;
        });
        assert.equal(h.runner.counters.poison, 2);
        const json = dead[0]!;
        const type = dead[1]!;
        assert.equal(json.code, 'TF_POISON_JSON');
        assert.equal(json.key, 'BTC');
        assert.equal(json.value, huge.slice(0, MAX_DEAD_LETTER_CHARS));
        assert.deepEqual([json.truncated, json.keyLength, json.valueLength], [true, 3, huge.length]);
        assert.ok(json.reason.length < 300, 'the reason quotes the JSON error, not the record');
        assert.equal(type.code, 'TF_POISON_TYPE');
        assert.equal(type.reason, `unknown message type "${'x'.repeat(99)}…`);
        assert.equal(type.key, 'K'.repeat(MAX_DEAD_LETTER_CHARS));
        assert.deepEqual([type.keyLength, type.valueLength], [100_000, hugeType.length]);
      } finally {
        await h.close();
      }
    },
  );

  test(
    'past TICKFLOW_MAX_SYMBOLS a partition dead-letters records of new symbols, logged once; its symbols go on',
    { timeout: 60_000 },
    async () => {
      // Five symbols of one partition and one of another: the bound of 3 holds per partition.
      const candidates = Array.from({ length: 200 }, (_, i) => `S${i}`);
      const on = (p: number) => candidates.filter((s) => partitionForKey(s, PRICES_PARTITIONS) === p);
      const [a, b, c, d, e] = on(0) as [string, string, string, string, string];
      const other = on(1)[0]!;
      const { logger, lines } = recordingLogger('warn');
      const h = await startRunner({ ...FLAGS, 'max-symbols': '3' }, logger);
      try {
        const [a0, a1, a2, a3] = minute(a, [10, 12, 11]);
        // a, b and c take the three places; d comes after them, then a goes on, then e and a signal of d.
        await h.send([a0!, ...minute(b, [20, 19, 21]), ...minute(c, [30, 33, 31]), a1!]);
        await h.send([...minute(d, [40, 41, 42]), a2!, ...minute(other, [50, 55, 45])]);
        await h.send([...minute(e, [60, 61, 62]), a3!]);
        await h.log
          .producer()
          .send(PRICES_TOPIC, [
            { key: d, value: JSON.stringify({ type: 'gap', symbol: d, source: 'test', at: T0 }) },
          ]);
        const want: Record<string, ReturnType<typeof closedMinute>[]> = {
          [a]: [closedMinute(10, 12, 10, 11)],
          [b]: [closedMinute(20, 21, 19, 21)],
          [c]: [closedMinute(30, 33, 30, 31)],
          [other]: [closedMinute(50, 55, 45, 45)],
          [d]: [],
          [e]: [],
        };
        await waitFor('nine dead letters', async () => (await h.readTopic(DEAD_LETTER_TOPIC)).length === 9);
        for (const [symbol, expected] of Object.entries(want)) {
          const stored = await waitFor(`${symbol}'s candles`, async () => {
            const got = await h.store.candles({ symbol, interval: '1m', limit: 10 });
            return got.length === expected.length ? got : undefined;
          });
          assert.deepEqual(
            stored.map(({ symbol: _s, interval: _i, closed: _c, ...rest }) => rest),
            expected,
            symbol,
          );
        }
        const dead = (await h.readTopic(DEAD_LETTER_TOPIC)).map((v) => JSON.parse(v) as DeadLetter);
        assert.deepEqual(
          dead.map((x) => `${x.code} ${x.key}`),
          [...Array<string>(4).fill(d), ...Array<string>(4).fill(e), d].map((s) => `TF_SYMBOL_LIMIT ${s}`),
        );
        assert.equal(
          dead[0]?.reason,
          `${d} would be a new symbol in partition 0, which holds state for TICKFLOW_MAX_SYMBOLS (3) already`,
        );
        assert.equal(h.runner.counters.poison, 9);
        assert.equal(h.runner.problems.snapshot()['TF_SYMBOL_LIMIT'], 9);
        assert.equal(lines.filter((l) => l['code'] === 'TF_SYMBOL_LIMIT').length, 1, 'logged once');
      } finally {
        await h.close();
      }
    },
  );
});
