import assert from 'node:assert/strict';
import { test } from 'node:test';
import { epochMs } from '../../src/domain/time.js';
import { decodePriceMessage, encodeSignal, encodeTick } from '../../src/pipeline/price-message.js';
import { tick } from '../support/operator-harness.js';

const now = epochMs(1_700_000_000_000);
const context = { appendedAt: now, futureHorizonMs: 300_000 };

test('ticks and feed signals round-trip through their log encoding', () => {
  const t = tick({ ts: 1_700_000_000_000, price: 5, seq: '9', volume: 2 });
  assert.deepEqual(decodePriceMessage(encodeTick(t), context), {
    ok: true,
    message: { type: 'tick', tick: t },
  });
  const gap = { type: 'gap', symbol: 'ETH', source: 'coingecko', at: 5, reason: 'HTTP 500' } as const;
  assert.deepEqual(decodePriceMessage(encodeSignal(gap), context), { ok: true, message: gap });
});

test('poison records get a code and a precise reason, never an exception', () => {
  const cases: [string, string, RegExp][] = [
    ['{"symbol":', 'TF_POISON_JSON', /not valid JSON/],
    ['{"symbol":"BTC","price":-1,"ts":1}', 'TF_POISON_TICK', /^price: /],
    [
      '{"symbol":"BTC","price":1,"ts":1700000000}',
      'TF_POISON_TICK',
      /^ts: 1700000000 is before 2001: it looks like epoch seconds/,
    ],
    ['{"type":"quote","symbol":"BTC"}', 'TF_POISON_TYPE', /unknown message type "quote"/],
    ['{"type":"gap","symbol":"BTC"}', 'TF_POISON_SIGNAL', /needs symbol, source and at/],
    ['null', 'TF_POISON_TICK', /^tick: must be a JSON object/],
  ];
  for (const [value, code, reason] of cases) {
    const decoded = decodePriceMessage(value, context);
    assert.ok(!decoded.ok, value);
    assert.equal(decoded.code, code, value);
    assert.match(decoded.reason, reason, value);
  }
});

test('a tick from beyond the future horizon of its receipt or append time is poison, deterministically', () => {
  const at = (ts: number, receivedAt: number) =>
    JSON.stringify({ symbol: 'BTC', price: 1, ts, received_at: receivedAt });
  const year3000 = 32_503_680_000_000;
  const cases: [string, number, boolean][] = [
    [at(now + 300_000, now), now, true], // exactly the horizon ahead: still plausible
    [at(now + 300_001, now), now, false],
    [at(year3000, now), now, false],
    [at(year3000, year3000), now, false], // a forged received_at does not help: the append time bounds it
    [at(now + 300_001, now + 300_001), now + 1, true],
  ];
  for (const [value, appendedAt, ok] of cases) {
    const decoded = decodePriceMessage(value, { ...context, appendedAt: epochMs(appendedAt) });
    assert.equal(decoded.ok, ok, value);
    if (!decoded.ok) {
      assert.equal(decoded.code, 'TF_POISON_FUTURE');
      assert.match(
        decoded.reason,
        /^ts: \d+ is .+ ahead of its receipt time \d+, beyond the future horizon of 5m$/,
      );
    }
  }
});
