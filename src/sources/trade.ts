import { isPrice, priceProblem, type Tick } from '../domain/tick.js';
import { epochMs } from '../domain/time.js';
import type { SourceError } from './source-error.js';

/** One exchange trade, validated; `id` is the exchange's trade id, increasing per symbol. */
export interface Trade {
  readonly symbol: string;
  readonly id: number;
  readonly price: number;
  readonly size: number;
  readonly ts: number;
}

/** What one stream message means to the source. */
export type StreamMessage =
  | { readonly kind: 'trades'; readonly trades: readonly Trade[] }
  | { readonly kind: 'ignore' }
  | { readonly kind: 'reject'; readonly reason: string }
  | { readonly kind: 'error'; readonly error: SourceError };

export interface BackfillContext {
  /** The source backfilling, for its request metrics. */
  readonly source: string;
  readonly signal: AbortSignal;
  readonly timeoutMs: number;
  readonly now: () => number;
}

export interface BackfillResult {
  /** Trades with ids above the one asked for, oldest first. */
  readonly trades: readonly Trade[];
  /** False when the exchange would not reach back to the trade after the one asked for: a gap remains. */
  readonly complete: boolean;
  /** Reasons for items of the answer that failed validation. */
  readonly rejected: readonly string[];
}

/** What a WebSocket trade source needs to know about one exchange. */
export interface Exchange {
  /** The tick's `source`: `coinbase`, `binance`. */
  readonly name: string;
  /** For messages: `Coinbase`, `Binance`. */
  readonly label: string;
  readonly url: string;
  /** HTTP statuses besides 429 and 5xx that mean "wait and retry" (for the handshake and REST). */
  readonly retryStatuses: readonly number[];
  /** Sent once the connection is open. */
  readonly subscribe: readonly string[];
  parse(text: string): StreamMessage;
  /** The trades of `symbol` after trade `afterId`, over REST. Throws SourceError. */
  backfill(symbol: string, afterId: number, context: BackfillContext): Promise<BackfillResult>;
}

/** A decimal as exchanges send prices and sizes (`"43250.01000000"`); undefined when it is not one. */
export function decimal(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || !/^\d+(\.\d+)?$/.test(value)) return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const isTradeId = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

export type TradeCheck = { ok: true; trade: Trade } | { ok: false; reason: string };

/** Checks the fields every trade needs; `field` names the exchange's own spelling for messages. */
export function checkTrade(
  symbol: string,
  id: unknown,
  price: unknown,
  size: unknown,
  ts: number,
  field: { id: string; price: string; size: string; time: string },
): TradeCheck {
  if (!isTradeId(id)) return { ok: false, reason: `${field.id}: must be a non-negative integer` };
  const p = decimal(price);
  if (p === undefined || p <= 0)
    return { ok: false, reason: `${field.price}: must be a decimal greater than 0` };
  if (!isPrice(p)) return { ok: false, reason: `${field.price}: ${priceProblem(p)}` };
  const q = decimal(size);
  if (q === undefined) return { ok: false, reason: `${field.size}: must be a decimal of at least 0` };
  if (!Number.isSafeInteger(ts) || ts < 0)
    return { ok: false, reason: `${field.time}: must be a valid time` };
  return { ok: true, trade: { symbol, id, price: p, size: q, ts } };
}

export function tradeTick(source: string, trade: Trade, receivedAt: number): Tick {
  return {
    symbol: trade.symbol,
    price: trade.price,
    ts: epochMs(trade.ts),
    receivedAt: epochMs(receivedAt),
    source,
    volume: trade.size,
    seq: String(trade.id),
    change24h: null,
    volume24h: null,
  };
}
