import { type EventTimeBound, type Tick, validateTick } from './tick.js';
import type { EpochMs } from './time.js';
import { asciiText, NameCache } from './ascii-text.js';

/** A record's text parsed as JSON, or why it is not JSON. */
export type ParsedRecord =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly reason: string };

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];
const QUOTE = 34;
const BACKSLASH = 92;
const MINUS = 45;
const DOT = 46;
const ZERO = 48;
const NINE = 57;

/**
 * Parses a tick or feed-signal record (a JSONL line, a log record value). The common shape, a flat object
 * of tickflow's keys with no whitespace, whose values are printable ASCII strings without escapes, null,
 * or plain decimal numbers of at most 15 digits, is read by a scanner built for it; anything else goes to
 * `JSON.parse`. For every text the scanner accepts, its result equals `JSON.parse`'s: a number m·10^-k
 * with m < 2^53 and k ≤ 15 is one correctly rounded division of two exact doubles, which is what
 * `JSON.parse` gives.
 */
export function parseRecord(text: string): ParsedRecord {
  const fast = scanFlatRecord(text);
  if (fast !== undefined) return { ok: true, value: fast };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return { ok: false, reason: `not valid JSON (${err instanceof Error ? err.message : String(err)})` };
  }
}

/** A tick line decoded, or the reason it is not a tick: `not valid JSON (…)`, or `field: reason`. */
export type DecodedTick =
  | { readonly ok: true; readonly tick: Tick; readonly partition: number }
  | { readonly ok: false; readonly reason: string };

/** Parses and validates one tick line (see `parseRecord` and `validateTick`). */
export function decodeTick(text: string, now: EpochMs | null, bound?: EventTimeBound): DecodedTick {
  const parsed = parseRecord(text);
  return parsed.ok ? decodeRecord(parsed.value, now, bound) : parsed;
}

/** Validates a parsed tick record; a rejection reads `field: reason`. */
export function decodeRecord(raw: unknown, now: EpochMs | null, bound?: EventTimeBound): DecodedTick {
  const result = validateTick(raw, now, bound);
  return result.ok ? result : { ok: false, reason: `${result.field}: ${result.reason}` };
}

/** The scanner's position after the last key or number it read. */
let cursor = 0;

/**
 * A record in the common shape, as `JSON.parse` would read it, except that a key it does not have is
 * undefined rather than absent (which every reader of records treats alike).
 */
export interface FlatRecord {
  symbol: unknown;
  price: unknown;
  ts: unknown;
  received_at: unknown;
  source: unknown;
  volume: unknown;
  seq: unknown;
  partition: unknown;
  change_24h: unknown;
  volume_24h: unknown;
  type: unknown;
  at: unknown;
  reason: unknown;
}

/** The keys of the common shape, by index; the scanner matches each as its quoted name and colon. */
const KEYS = [
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
  'at',
  'reason',
] as const;
const SYMBOL = 0;
const SOURCE = 4;
const KEY_BYTES = KEYS.map((k) => [...Buffer.from(`"${k}":`, 'latin1')]);
const KEY_INDEX = new Map<string, number>(KEYS.map((k, i) => [k, i]));

/**
 * Reads records of the common shape from UTF-8 bytes directly into one reused object of a fixed shape, and
 * says no whenever `JSON.parse` must decide (whitespace, escapes, a byte outside printable ASCII in a
 * string, an exponent, a long number, another key, a key twice, anything nested). It expects the keys in
 * the order of the record before (a writer repeats its order), so a key usually costs one comparison.
 * Symbols and source names come from a cache, so the same name is the same string every time; no string it
 * makes shares memory with the input.
 */
export class RecordScanner {
  /** The record the last successful `scan` read. It is reused: read it before the next scan. */
  readonly record: FlatRecord = {
    symbol: undefined,
    price: undefined,
    ts: undefined,
    received_at: undefined,
    source: undefined,
    volume: undefined,
    seq: undefined,
    partition: undefined,
    change_24h: undefined,
    volume_24h: undefined,
    type: undefined,
    at: undefined,
    reason: undefined,
  };
  /** The key indexes of the last record, in its order. */
  private readonly order: number[] = [];
  private readonly names = new NameCache();

  /**
   * Reads the record that starts at `b[start]` into `record`, and returns the index just after its closing
   * brace; -1 when it is not in the common shape. What follows the brace is the caller's to check: a
   * record never reaches past a line end, since none of its tokens can hold one.
   */
  scan(b: Uint8Array, start: number): number {
    if (b[start] !== 123) return -1;
    const r = this.record;
    r.symbol = r.price = r.ts = r.received_at = r.source = r.volume = r.seq = undefined;
    r.partition = r.change_24h = r.volume_24h = r.type = r.at = r.reason = undefined;
    const order = this.order;
    let seen = 0;
    let i = start + 1;
    for (let k = 0; ; k++) {
      let key = k < order.length ? (order[k] as number) : -1;
      const expected = key >= 0 ? KEY_BYTES[key] : undefined;
      if (expected !== undefined && hasBytes(b, i, expected)) {
        i += expected.length;
      } else {
        key = scanKey(b, i);
        if (key < 0) return -1;
        order[k] = key;
        i = cursor;
      }
      if ((seen & (1 << key)) !== 0) return -1;
      seen |= 1 << key;
      const c = b[i];
      let value: unknown;
      if (c === QUOTE) {
        let hash = 0;
        let close = i + 1;
        for (let d = b[close]; d !== QUOTE; d = b[++close]) {
          // An escape, a control character, a byte of a multi-byte character or the end: JSON.parse decides.
          if (d === undefined || d < 32 || d > 126 || d === BACKSLASH) return -1;
          hash = (hash * 31 + d) | 0;
        }
        value =
          key === SYMBOL || key === SOURCE
            ? this.names.get(b, i + 1, close, hash)
            : asciiText(b, i + 1, close);
        i = close + 1;
      } else if (c === 110) {
        if (b[i + 1] !== 117 || b[i + 2] !== 108 || b[i + 3] !== 108) return -1; // null
        value = null;
        i += 4;
      } else {
        value = scanNumber(b, i);
        if (value === undefined) return -1;
        i = cursor;
      }
      switch (key) {
        case 0:
          r.symbol = value;
          break;
        case 1:
          r.price = value;
          break;
        case 2:
          r.ts = value;
          break;
        case 3:
          r.received_at = value;
          break;
        case 4:
          r.source = value;
          break;
        case 5:
          r.volume = value;
          break;
        case 6:
          r.seq = value;
          break;
        case 7:
          r.partition = value;
          break;
        case 8:
          r.change_24h = value;
          break;
        case 9:
          r.volume_24h = value;
          break;
        case 10:
          r.type = value;
          break;
        case 11:
          r.at = value;
          break;
        default:
          r.reason = value;
      }
      const d = b[i];
      if (d === 44) {
        i++; // ,
        continue;
      }
      return d === 125 ? i + 1 : -1;
    }
  }
}

const scanner = new RecordScanner();
/** The longest text the scanner is given: a record in the common shape is a few hundred bytes. */
const MAX_SCANNED = 16_384;
/** Where a text is written as UTF-8 for the scanner: a UTF-16 code unit is at most 3 bytes of UTF-8. */
const scratch = Buffer.allocUnsafe(MAX_SCANNED * 3);

/** `scanner.scan` of a whole text, as a record of its own; undefined when it is not in the common shape. */
export function scanFlatRecord(text: string): FlatRecord | undefined {
  if (text.length > MAX_SCANNED) return undefined;
  const length = scratch.write(text, 0, 'utf8');
  // Bytes after `length` are left from earlier texts; a record read into them would end past `length`.
  return scanner.scan(scratch, 0) === length ? { ...scanner.record } : undefined;
}

/** Whether `b` holds the bytes `expected` at `i`. */
function hasBytes(b: Uint8Array, i: number, expected: readonly number[]): boolean {
  const n = expected.length;
  for (let k = 0; k < n; k++) if (b[i + k] !== expected[k]) return false;
  return true;
}

/**
 * The index of the known key whose quoted name and colon start at `i` (and moves the cursor past them),
 * or -1 for any other key.
 */
function scanKey(b: Uint8Array, i: number): number {
  if (b[i] !== QUOTE) return -1;
  let close = i + 1;
  // Known keys are lower-case letters, digits and "_"; any other byte ends the search.
  for (let c = b[close]; c !== undefined && ((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95);)
    c = b[++close];
  if (b[close] !== QUOTE || b[close + 1] !== 58) return -1;
  cursor = close + 2;
  return KEY_INDEX.get(asciiText(b, i + 1, close)) ?? -1;
}

/** A JSON number of at most 15 digits, no exponent, starting at `i`. */
function scanNumber(b: Uint8Array, i: number): number | undefined {
  const negative = b[i] === MINUS;
  if (negative) i++;
  let c = b[i] as number;
  let m = 0;
  let digits = 0;
  if (c === ZERO) {
    c = b[++i] as number;
    if (c >= ZERO && c <= NINE) return undefined; // a leading zero: not JSON
  } else if (c > ZERO && c <= NINE) {
    while (c >= ZERO && c <= NINE) {
      m = m * 10 + (c - ZERO);
      digits++;
      c = b[++i] as number;
    }
  } else {
    return undefined;
  }
  let scale = 0;
  if (c === DOT) {
    c = b[++i] as number;
    if (!(c >= ZERO && c <= NINE)) return undefined;
    while (c >= ZERO && c <= NINE) {
      m = m * 10 + (c - ZERO);
      digits++;
      scale++;
      c = b[++i] as number;
    }
  }
  // An exponent, or too many digits for m to be exact: JSON.parse decides.
  if (c === 101 || c === 69 || digits > 15 || scale > 15) return undefined;
  cursor = i;
  const value = scale === 0 ? m : m / (POW10[scale] as number);
  return negative ? -value : value;
}
