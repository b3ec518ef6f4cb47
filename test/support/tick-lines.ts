/**
 * Tick lines for property tests: mostly well-formed objects of tickflow's keys in every spelling a writer
 * might use, some malformed, some not JSON at all; and what JSON.parse plus the full validator say of one.
 */
import fc from 'fast-check';
import { validateTick } from '../../src/domain/tick.js';
import { epochMs } from '../../src/domain/time.js';

export const NOW = epochMs(1_700_000_000_000);
export const BOUND = { horizonMs: 300_000, reference: NOW };

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
  // Beyond ASCII, escaped or as it is: bytes the scanner leaves to JSON.parse.
  fc.string({ unit: 'binary', maxLength: 6 }).map((s) => JSON.stringify(s)),
  fc.constantFrom('"€"', '"BTC\u00e9"', '"ÉTH"', '"\u007f"', '"\x7f"'),
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
export const line = fc.oneof(
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
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
);

/** JSON.parse's message for text that is not JSON. */
export function jsonError(text: string): string {
  try {
    JSON.parse(text);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error(`${text} is JSON`);
}

/** What JSON.parse and the validator say, the slow way. */
export function slowDecode(text: string) {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false as const, reason: `not valid JSON (${jsonError(text)})` };
  }
  const result = validateTick(raw, NOW, BOUND);
  return result.ok ? result : { ok: false as const, reason: `${result.field}: ${result.reason}` };
}
