import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PRICES_TOPIC } from '../../src/log/log.js';
import { MAX_DEAD_LETTER_CHARS } from '../../src/pipeline/partition-task.js';
import { DEAD_LETTER_TOPIC } from '../../src/pipeline/topics.js';
import { sec, T0, tick } from '../support/operator-harness.js';
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
});
