import { isPrice, optionalNumber, priceProblem, type Tick } from '../domain/tick.js';
import { type EpochMs, epochMs } from '../domain/time.js';
import { preview } from '../lib/preview.js';

/** A followed symbol and its CoinGecko id (BTC → bitcoin). */
export interface Coin {
  readonly symbol: string;
  readonly id: string;
}

/** One coin's entry that could not become a tick, with the field at fault. */
export interface Rejection {
  readonly symbol: string;
  readonly id: string;
  readonly field: string;
  readonly reason: string;
  readonly got: unknown;
}

export interface ParsedSnapshot {
  readonly ticks: readonly Tick[];
  readonly rejections: readonly Rejection[];
}

/** The latest second a CoinGecko `last_updated_at` may name (year 9999); larger is a unit mistake. */
const MAX_SECONDS = 253_402_300_799;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

type Entry = { ok: true; tick: Tick } | { ok: false; field: string; reason: string; got: unknown };

function parseEntry(coin: Coin, entry: unknown, receivedAt: EpochMs): Entry {
  if (entry === undefined) {
    return {
      ok: false,
      field: 'entry',
      reason: 'missing from the response (is the CoinGecko id right?)',
      got: undefined,
    };
  }
  if (!isRecord(entry)) return { ok: false, field: 'entry', reason: 'must be a JSON object', got: entry };
  const price = entry['usd'];
  if (!isPrice(price)) return { ok: false, field: 'usd', reason: priceProblem(price), got: price };
  const seconds = entry['last_updated_at'];
  if (
    typeof seconds !== 'number' ||
    !Number.isSafeInteger(seconds) ||
    seconds <= 0 ||
    seconds > MAX_SECONDS
  ) {
    return { ok: false, field: 'last_updated_at', reason: 'must be whole epoch seconds', got: seconds };
  }
  const change24h = optionalNumber(entry['usd_24h_change']);
  if (change24h === undefined) {
    return {
      ok: false,
      field: 'usd_24h_change',
      reason: 'must be a finite number or null',
      got: entry['usd_24h_change'],
    };
  }
  const volume24h = optionalNumber(entry['usd_24h_vol']);
  if (volume24h === undefined) {
    return {
      ok: false,
      field: 'usd_24h_vol',
      reason: 'must be a finite number or null',
      got: entry['usd_24h_vol'],
    };
  }
  const tick: Tick = {
    symbol: coin.symbol,
    price,
    ts: epochMs(seconds * 1000),
    receivedAt,
    source: 'coingecko',
    volume: 0,
    seq: null,
    change24h,
    volume24h,
  };
  return { ok: true, tick };
}

/** CoinGecko's error shape, `{"status":{"error_code":…,"error_message":…}}`, as a reason; else null. */
function errorShape(body: Readonly<Record<string, unknown>>): string | null {
  const status = body['status'];
  if (!isRecord(status) || !Object.hasOwn(status, 'error_code')) return null;
  const said = preview(status['error_message'] ?? null);
  return `is CoinGecko's error ${preview(status['error_code'])} (${said}), not prices`;
}

/** The same rejection of the whole answer for every coin. */
const everyCoin = (coins: readonly Coin[], reason: string, got: unknown): ParsedSnapshot => ({
  ticks: [],
  rejections: coins.map((coin) => ({ ...coin, field: 'response', reason, got })),
});

/**
 * Turns a `/simple/price` answer into one tick per coin. The event time is `last_updated_at × 1000`. An
 * entry that is missing or malformed is rejected with the field and the reason; the other coins still count.
 * An answer that is not a snapshot at all (not an object, or CoinGecko's error shape) rejects every coin.
 */
export function parseSimplePrice(body: unknown, coins: readonly Coin[], receivedAt: EpochMs): ParsedSnapshot {
  if (!isRecord(body)) return everyCoin(coins, 'must be a JSON object keyed by coin id', body);
  const error = errorShape(body);
  if (error !== null) return everyCoin(coins, error, body['status']);
  const ticks: Tick[] = [];
  const rejections: Rejection[] = [];
  for (const coin of coins) {
    const parsed = parseEntry(coin, Object.hasOwn(body, coin.id) ? body[coin.id] : undefined, receivedAt);
    if (parsed.ok) ticks.push(parsed.tick);
    else rejections.push({ ...coin, field: parsed.field, reason: parsed.reason, got: parsed.got });
  }
  return { ticks, rejections };
}
