import { eventTimeProblem, secondsProblem } from './event-time.js';
import { type EpochMs, epochMs } from './time.js';

/** One observed price. Every source normalises to this shape; all fields are always present. */
export interface Tick {
  /** Upper-case ticker, e.g. `BTC`. */
  readonly symbol: string;
  readonly price: number;
  /** Event time: when the source says the price was observed. */
  readonly ts: EpochMs;
  /** Receipt time: when tickflow received it. */
  readonly receivedAt: EpochMs;
  /** Which source produced it: `coingecko`, `coinbase`, `binance`, `simulated`, `file`. */
  readonly source: string;
  /** Traded size, from trade sources; 0 where the source has none (snapshots). */
  readonly volume: number;
  /** The source's own sequence (a trade id), or null. Part of the deduplication key. */
  readonly seq: string | null;
  /** 24-hour change in percent and 24-hour volume in USD, where a snapshot source reports them. */
  readonly change24h: number | null;
  readonly volume24h: number | null;
}

export type TickValidation =
  | { readonly ok: true; readonly tick: Tick; readonly partition: number }
  | { readonly ok: false; readonly field: string; readonly reason: string };

export const SYMBOL_PATTERN = /^[A-Z0-9][A-Z0-9._-]{0,31}$/;
/** Latest instant a tick may carry: the year 9999. Anything larger is a unit mistake, not a price. */
const MAX_TS = 253_402_300_799_999;
const MAX_PARTITION = 1_000_000;
/**
 * The highest price a tick may carry. A quadrillion is above any asset's price in any currency, and far
 * enough below the float range that the processor's sums of price × size and squared returns stay finite.
 */
export const MAX_PRICE = 1e15;

/** Whether `value` can be a price: a finite number above 0 and at most MAX_PRICE. */
export const isPrice = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value) && value > 0 && value <= MAX_PRICE;

/** Why `value`, which `isPrice` refused, cannot be a price. */
export const priceProblem = (value: unknown): string =>
  typeof value === 'number' && Number.isFinite(value) && value > MAX_PRICE
    ? 'must be at most 1e15: no asset is priced that high'
    : 'must be a finite number greater than 0';

/** How far ahead of its receipt time a tick's event time may be (see `eventTimeProblem`). */
export interface EventTimeBound {
  readonly horizonMs: number;
  /** No tick can have been received after this (replay's `--now`), whatever its `received_at` says. */
  readonly reference?: EpochMs;
}

const fail = (field: string, reason: string): TickValidation => ({ ok: false, field, reason });

/** Whether `text` is a symbol as it is, checked a character at a time: `SYMBOL_PATTERN`, without a regex. */
function isNormalSymbol(text: string): boolean {
  const n = text.length;
  if (n === 0 || n > 32) return false;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    const alphanumeric = (c >= 65 && c <= 90) || (c >= 48 && c <= 57);
    if (!alphanumeric && (i === 0 || (c !== 46 && c !== 95 && c !== 45))) return false;
  }
  return true;
}

/** Normalises a symbol (trim, upper case) or returns undefined when it cannot be one. */
export function normaliseSymbol(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  // Most symbols arrive normal already; that check is much cheaper than the normalising.
  if (isNormalSymbol(value)) return value;
  const symbol = value.trim().toUpperCase();
  return SYMBOL_PATTERN.test(symbol) ? symbol : undefined;
}

const isTime = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= MAX_TS;

/** A finite number, or null when absent; undefined when present but not a finite number. */
export const optionalNumber = (value: unknown): number | null | undefined =>
  value === undefined || value === null
    ? null
    : typeof value === 'number' && Number.isFinite(value)
      ? value
      : undefined;

/**
 * Validates an untrusted tick record (a JSONL line, a log record). Every rejection names the field and the
 * reason. `receivedAt` defaults to `now` when the record has no `received_at`, or to the event time when
 * `now` is null (replay, which must not depend on the wall clock). An event time before 2001 is rejected
 * as a seconds value; with `bound`, so is one too far ahead of its receipt time.
 */
export function validateTick(raw: unknown, now: EpochMs | null, bound?: EventTimeBound): TickValidation {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return fail('tick', 'must be a JSON object');
  const r = raw as Record<string, unknown>;

  const symbol = normaliseSymbol(r['symbol']);
  if (symbol === undefined)
    return fail('symbol', 'must be a ticker of 1-32 letters, digits, ".", "_" or "-"');

  const price = r['price'];
  if (!isPrice(price)) return fail('price', priceProblem(price));

  const ts = r['ts'];
  if (!isTime(ts)) return fail('ts', 'must be integer epoch milliseconds between 0 and year 9999');

  const seconds = secondsProblem(ts);
  if (seconds !== null) return fail('ts', seconds);

  const receivedAt = r['received_at'] ?? now ?? ts;
  if (!isTime(receivedAt)) return fail('received_at', 'must be integer epoch milliseconds');
  if (bound !== undefined) {
    const reference = Math.min(receivedAt, bound.reference ?? receivedAt);
    const problem = eventTimeProblem(ts, reference, bound.horizonMs);
    if (problem !== null) return fail('ts', problem);
  }

  const volume = r['volume'] ?? 0;
  if (typeof volume !== 'number' || !Number.isFinite(volume) || volume < 0) {
    return fail('volume', 'must be a finite number of at least 0');
  }

  const source = r['source'] ?? 'file';
  if (typeof source !== 'string' || source.length === 0 || source.length > 64) {
    return fail('source', 'must be a non-empty string of at most 64 characters');
  }

  const rawSeq = r['seq'] ?? null;
  if (
    rawSeq !== null &&
    typeof rawSeq !== 'string' &&
    !(typeof rawSeq === 'number' && Number.isSafeInteger(rawSeq))
  ) {
    return fail('seq', 'must be a string or an integer');
  }
  const seq = rawSeq === null ? null : String(rawSeq);
  if (seq !== null && seq.length > 128) return fail('seq', 'must be at most 128 characters');

  const partition = r['partition'] ?? 0;
  if (
    typeof partition !== 'number' ||
    !Number.isInteger(partition) ||
    partition < 0 ||
    partition > MAX_PARTITION
  ) {
    return fail('partition', `must be an integer from 0 to ${MAX_PARTITION}`);
  }

  const change24h = optionalNumber(r['change_24h']);
  if (change24h === undefined) return fail('change_24h', 'must be a finite number or null');
  const volume24h = optionalNumber(r['volume_24h']);
  if (volume24h === undefined) return fail('volume_24h', 'must be a finite number or null');

  const tick: Tick = {
    symbol,
    price,
    ts: epochMs(ts),
    receivedAt: epochMs(receivedAt),
    source,
    volume,
    seq,
    change24h,
    volume24h,
  };
  return { ok: true, tick, partition };
}

/** The JSON form of a tick, as it is written to the log and read back by `validateTick`. */
export function tickToJson(tick: Tick): Record<string, unknown> {
  return {
    symbol: tick.symbol,
    price: tick.price,
    ts: tick.ts,
    received_at: tick.receivedAt,
    source: tick.source,
    volume: tick.volume,
    seq: tick.seq,
    change_24h: tick.change24h,
    volume_24h: tick.volume24h,
  };
}
