import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { decodeTick, parseRecord, scanFlatRecord } from '../../src/domain/record-parse.js';
import { validateTick } from '../../src/domain/tick.js';
import { epochMs } from '../../src/domain/time.js';

const NOW = epochMs(1_700_000_000_000);
const BOUND = { horizonMs: 300_000, reference: NOW };

/** Numbers as a JSON writer or a hand-written file might spell them, valid or not. */
const numberText = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => JSON.stringify(n)),
  fc.integer({ min: 1, max: 7_000_000 }).map((c) => String(c / 100)),
  fc.integer({ min: 1_600_000_000_000, max: 1_800_000_000_000 }).map(String),
  fc.constantFrom(
    '0',
    '-0',
    '-0.0',
    '1.0',
    '01',
    '1.',
    '.5',
    '-',
    '1e3',
    '1E-7',
    '2.5e+2',
    '0.1000000000000000055',
  ),
  fc.stringMatching(/^-?\d{1,20}(\.\d{1,20})?$/),
);
const stringText = fc.oneof(
  fc.constantFrom('"BTC"', '"eth"', '"binance"', '"file"', '""', '"a\\"b"', '"\\u0042TC"', '"tab\there"'),
  fc.string({ maxLength: 12 }).map((s) => JSON.stringify(s)),
  fc.stringMatching(/^[A-Z0-9._-]{1,8}$/).map((s) => `"${s}"`),
);
const valueText = fc.oneof(numberText, stringText, fc.constantFrom('null', 'true', '[]', '{}', 'nul'));
const key = fc.constantFrom(
  'symbol',
  'price',
  'ts',
  'received_at',
  'source',
  'volume',
  'seq',
  'partition',
  'change_24h',
  'volume_24h',
  'type',
  'other',
  '__proto__',
);
const separators = fc.constantFrom(['', ''], [' ', ''], ['', ' '], ['\t', '\n']);

/** Objects of tickflow's keys and other things, mostly well formed, some not JSON at all. */
const line = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .array(fc.tuple(key, valueText), { maxLength: 9 })
      .chain((pairs) =>
        separators.map(
          ([before, after]) => `{${pairs.map(([k, v]) => `${before}"${k}"${after}:${v}`).join(',')}}`,
        ),
      ),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({ symbol: stringText, price: numberText, ts: numberText, seq: stringText })
      .map((r) => `{"symbol":${r.symbol},"price":${r.price},"ts":${r.ts},"seq":${r.seq}}`),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
);

/** JSON.parse's message for text that is not JSON. */
function jsonError(text: string): string {
  try {
    JSON.parse(text);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error(`${text} is JSON`);
}

/** What JSON.parse and the validator say, the slow way. */
function slowDecode(text: string) {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, reason: `not valid JSON (${jsonError(text)})` };
  }
  const result = validateTick(raw, NOW, BOUND);
  return result.ok ? result : { ok: false, reason: `${result.field}: ${result.reason}` };
}

test('whatever the scanner accepts, JSON.parse reads the same (absent keys as undefined), to the sign of zero', () => {
  fc.assert(
    fc.property(line, (text) => {
      const fast = scanFlatRecord(text);
      if (fast === undefined) return;
      const slow = JSON.parse(text) as Record<string, unknown>;
      const read = fast as unknown as Record<string, unknown>;
      for (const k of Object.keys(slow))
        assert.ok(Object.hasOwn(read, k), `${k} is one of the keys it reads`);
      for (const k of Object.keys(read)) assert.ok(Object.is(read[k], slow[k]), `${k} in ${text}`);
    }),
    { numRuns: 20_000 },
  );
});

test('the fast path and JSON.parse plus the full validator agree on every line, malformed ones too', () => {
  fc.assert(
    fc.property(line, (text) => {
      assert.deepEqual(decodeTick(text, NOW, BOUND), slowDecode(text));
    }),
    { numRuns: 20_000 },
  );
});

test('the scanner takes the common shape, and leaves the rest to JSON.parse', () => {
  const common =
    '{"symbol":"BTC","price":43250.5,"ts":1700000000000,"volume":0.00012,"seq":"42","source":"binance"}';
  const read = scanFlatRecord(common) as unknown as Record<string, unknown>;
  assert.deepEqual(
    Object.fromEntries(Object.entries(read).filter(([, v]) => v !== undefined)),
    JSON.parse(common),
  );
  for (const other of [
    '{"symbol":"BTC", "price":1,"ts":1700000000000}', // whitespace
    '{"symbol":"B\\u0054C","price":1,"ts":1700000000000}', // an escape
    '{"symbol":"BTC","price":1e3,"ts":1700000000000}', // an exponent
    '{"symbol":"BTC","price":1.0000000000000002,"ts":1700000000000}', // 17 digits
    '{"symbol":"BTC","symbol":"ETH","price":1,"ts":1700000000000}', // a repeated key
    '{"symbol":"BTC","price":1,"ts":1700000000000,"note":"x"}', // a key tickflow does not write
  ]) {
    assert.equal(scanFlatRecord(other), undefined, other);
    assert.equal(parseRecord(other).ok, true, other);
  }
  assert.deepEqual(parseRecord('{"symbol":'), {
    ok: false,
    reason: `not valid JSON (${jsonError('{"symbol":')})`,
  });
});
