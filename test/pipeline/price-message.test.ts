import assert from 'node:assert/strict';
import { test } from 'node:test';
import { epochMs } from '../../src/domain/time.js';
import { decodePriceMessage, encodeSignal, encodeTick } from '../../src/pipeline/price-message.js';
import { tick } from '../support/operator-harness.js';

const now = epochMs(1_700_000_000_000);

test('ticks and feed signals round-trip through their log encoding', () => {
  const t = tick({ ts: 1_700_000_000_000, price: 5, seq: '9', volume: 2 });
  assert.deepEqual(decodePriceMessage(encodeTick(t), now), { ok: true, message: { type: 'tick', tick: t } });
  const gap = { type: 'gap', symbol: 'ETH', source: 'coingecko', at: 5, reason: 'HTTP 500' } as const;
  assert.deepEqual(decodePriceMessage(encodeSignal(gap), now), { ok: true, message: gap });
});

test('poison records get a code and a precise reason, never an exception', () => {
  const cases: [string, string, RegExp][] = [
    ['{"symbol":', 'TF_POISON_JSON', /not valid JSON/],
    ['{"symbol":"BTC","price":-1,"ts":1}', 'TF_POISON_TICK', /^price: /],
    ['{"type":"quote","symbol":"BTC"}', 'TF_POISON_TYPE', /unknown message type "quote"/],
    ['{"type":"gap","symbol":"BTC"}', 'TF_POISON_SIGNAL', /needs symbol, source and at/],
    ['null', 'TF_POISON_TICK', /^tick: must be a JSON object/],
  ];
  for (const [value, code, reason] of cases) {
    const decoded = decodePriceMessage(value, now);
    assert.ok(!decoded.ok, value);
    assert.equal(decoded.code, code, value);
    assert.match(decoded.reason, reason, value);
  }
});
