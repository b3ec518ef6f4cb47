import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { epochMs } from '../../src/domain/time.js';
import { DEAD_LETTER_TOPIC } from '../../src/pipeline/topics.js';
import { sec, T0, tick } from '../support/operator-harness.js';
import { waitFor } from '../support/wait.js';
import { type RunnerHarness, startRunner } from './runner-harness.js';

const YEAR_3000 = 32_503_680_000_000;

let h: RunnerHarness;
before(async () => {
  h = await startRunner({ 'commit-interval': '50ms', 'checkpoint-interval': '100ms' });
});
after(() => h.close());

test(
  "a tick from the year 3000 is dead-lettered and never stops its symbol's candles",
  { timeout: 30_000 },
  async () => {
    // One BTC tick every 20 s for 20 minutes from T0 (aligned to 15 min); the year-3000 tick comes half-way,
    // claiming to have been received then too: the log's append time still bounds it.
    const real = Array.from({ length: 60 }, (_, i) => tick({ ts: T0 + sec(20 * i), price: 100 + i }));
    const bad = tick({ ts: YEAR_3000, receivedAt: epochMs(YEAR_3000), price: 1 });
    await h.send([...real.slice(0, 30), bad, ...real.slice(30)]);

    // The newest tick is at T0 + 1180 s, so W = T0 + 1170 s − 1 ms: the 1m windows that end by T0 + 1170 s
    // have fired, 19 of them, the last [T0 + 1080 s, T0 + 1140 s) with the ticks at 1080, 1100 and 1120 s.
    const candles = await waitFor('19 closed 1m candles', async () => {
      const stored = await h.store.candles({ symbol: 'BTC', interval: '1m', limit: 100 });
      return stored.length >= 19 ? stored : undefined;
    });
    assert.equal(candles.length, 19);
    const last = candles.at(-1);
    assert.deepEqual(last && [last.windowStart - T0, last.open, last.close, last.trades], [
      sec(1080),
      154,
      156,
      3,
    ]);
    const dead = (await h.readTopic(DEAD_LETTER_TOPIC)).map((v) => JSON.parse(v) as Record<string, unknown>);
    assert.deepEqual(
      dead.map((d) => d['code']),
      ['TF_POISON_FUTURE'],
    );
    assert.match(String(dead[0]?.['reason']), /beyond the future horizon of 5m/);
  },
);
