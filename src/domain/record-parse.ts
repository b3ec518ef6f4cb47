import { type EventTimeBound, type Tick, validateTick } from './tick.js';
import type { EpochMs } from './time.js';

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
 * of tickflow's keys with no whitespace, whose values are strings without escapes, null, or plain decimal
 * numbers of at most 15 digits, is read by a scanner built for it; anything else goes to `JSON.parse`. For
 * every text the scanner accepts, its result equals `JSON.parse`'s: a number m·10^-k with m < 2^53 and
 * k ≤ 15 is one correctly rounded division of two exact doubles, which is what `JSON.parse` gives.
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
  if (!parsed.ok) return parsed;
  const result = validateTick(parsed.value, now, bound);
  return result.ok ? result : { ok: false, reason: `${result.field}: ${result.reason}` };
}

/** A line with nothing but whitespace (checked cheaply: records start with "{"). */
export const isBlank = (line: string): boolean =>
  line.length === 0 || (line.charCodeAt(0) <= 32 && line.trim() === '');

/** The scanner's position after the last value it read. */
let cursor = 0;

/**
 * A record in the common shape, as `JSON.parse` would read it, except that a key it does not have is
 * undefined rather than absent (which every reader of records treats alike).
 */
export interface FlatRecord {
  readonly symbol: unknown;
  readonly price: unknown;
  readonly ts: unknown;
  readonly received_at: unknown;
  readonly source: unknown;
  readonly volume: unknown;
  readonly seq: unknown;
  readonly partition: unknown;
  readonly change_24h: unknown;
  readonly volume_24h: unknown;
  readonly type: unknown;
  readonly at: unknown;
  readonly reason: unknown;
}

/**
 * The common shape, read directly into one object of a fixed shape; undefined whenever `JSON.parse` must
 * decide (whitespace, escapes, an exponent, a long number, another key, a key twice, anything nested).
 */
export function scanFlatRecord(s: string): FlatRecord | undefined {
  const n = s.length;
  if (n < 3 || s.charCodeAt(0) !== 123 || s.charCodeAt(n - 1) !== 125) return undefined;
  let symbol, price, ts, receivedAt, source, volume, seq, partition, change24h, volume24h, type, at, reason;
  let seen = 0;
  let i = 1;
  for (;;) {
    const bit = scanKey(s, i);
    if (bit === 0) return undefined;
    if ((seen & bit) !== 0) return undefined;
    seen |= bit;
    i = cursor;
    if (s.charCodeAt(i) !== 58) return undefined; // :
    i++;
    const c = s.charCodeAt(i);
    let value: unknown;
    if (c === QUOTE) {
      value = scanString(s, i);
      if (value === undefined) return undefined;
    } else if (c === 110) {
      if (!s.startsWith('null', i)) return undefined;
      value = null;
      cursor = i + 4;
    } else {
      value = scanNumber(s, i);
      if (value === undefined) return undefined;
    }
    switch (bit) {
      case 1:
        symbol = value;
        break;
      case 2:
        price = value;
        break;
      case 4:
        ts = value;
        break;
      case 8:
        receivedAt = value;
        break;
      case 16:
        source = value;
        break;
      case 32:
        volume = value;
        break;
      case 64:
        seq = value;
        break;
      case 128:
        partition = value;
        break;
      case 256:
        change24h = value;
        break;
      case 512:
        volume24h = value;
        break;
      case 1024:
        type = value;
        break;
      case 2048:
        at = value;
        break;
      default:
        reason = value;
    }
    i = cursor;
    const d = s.charCodeAt(i);
    if (d === 44) {
      i++; // ,
      continue;
    }
    if (d !== 125 || i !== n - 1) return undefined;
    return {
      symbol,
      price,
      ts,
      received_at: receivedAt,
      source,
      volume,
      seq,
      partition,
      change_24h: change24h,
      volume_24h: volume24h,
      type,
      at,
      reason,
    };
  }
}

/**
 * The bit of the known key whose quoted name starts at `i` (and moves the cursor past it), or 0 for any
 * other key: symbol 1, price 2, ts 4, received_at 8, source 16, volume 32, seq 64, partition 128,
 * change_24h 256, volume_24h 512, type 1024, at 2048, reason 4096. Matched in place, without a copy.
 */
function scanKey(s: string, i: number): number {
  if (s.charCodeAt(i) !== QUOTE) return 0;
  const end = s.indexOf('"', i + 1);
  if (end === -1) return 0;
  cursor = end + 1;
  switch (end - i - 1) {
    case 2:
      return s.startsWith('ts', i + 1) ? 4 : s.startsWith('at', i + 1) ? 2048 : 0;
    case 3:
      return s.startsWith('seq', i + 1) ? 64 : 0;
    case 4:
      return s.startsWith('type', i + 1) ? 1024 : 0;
    case 5:
      return s.startsWith('price', i + 1) ? 2 : 0;
    case 6:
      return s.startsWith('symbol', i + 1)
        ? 1
        : s.startsWith('source', i + 1)
          ? 16
          : s.startsWith('volume', i + 1)
            ? 32
            : s.startsWith('reason', i + 1)
              ? 4096
              : 0;
    case 9:
      return s.startsWith('partition', i + 1) ? 128 : 0;
    case 10:
      return s.startsWith('change_24h', i + 1) ? 256 : s.startsWith('volume_24h', i + 1) ? 512 : 0;
    case 11:
      return s.startsWith('received_at', i + 1) ? 8 : 0;
    default:
      return 0;
  }
}

/** A string without escapes or control characters starting at the quote at `i`. */
function scanString(s: string, i: number): string | undefined {
  if (s.charCodeAt(i) !== QUOTE) return undefined;
  for (let k = i + 1; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c === QUOTE) {
      cursor = k + 1;
      return s.slice(i + 1, k);
    }
    if (c === BACKSLASH || c < 32) return undefined;
  }
  return undefined;
}

/** A JSON number of at most 15 digits, no exponent, starting at `i`. */
function scanNumber(s: string, i: number): number | undefined {
  const negative = s.charCodeAt(i) === MINUS;
  if (negative) i++;
  let c = s.charCodeAt(i);
  let m = 0;
  let digits = 0;
  if (c === ZERO) {
    i++;
    c = s.charCodeAt(i);
    if (c >= ZERO && c <= NINE) return undefined; // a leading zero: not JSON
  } else if (c > ZERO && c <= NINE) {
    while (c >= ZERO && c <= NINE) {
      m = m * 10 + (c - ZERO);
      digits++;
      c = s.charCodeAt(++i);
    }
  } else {
    return undefined;
  }
  let scale = 0;
  if (c === DOT) {
    c = s.charCodeAt(++i);
    if (!(c >= ZERO && c <= NINE)) return undefined;
    while (c >= ZERO && c <= NINE) {
      m = m * 10 + (c - ZERO);
      digits++;
      scale++;
      c = s.charCodeAt(++i);
    }
  }
  // An exponent, or too many digits for m to be exact: JSON.parse decides.
  if (c === 101 || c === 69 || digits > 15 || scale > 15) return undefined;
  cursor = i;
  const value = scale === 0 ? m : m / (POW10[scale] as number);
  return negative ? -value : value;
}
