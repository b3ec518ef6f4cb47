import type { ErrorCode } from '../error-codes.js';
import { eventTimeProblem } from '../domain/event-time.js';
import { parseRecord } from '../domain/record-parse.js';
import { type Tick, tickToJson, validateTick } from '../domain/tick.js';
import { normaliseSymbol } from '../domain/tick.js';
import type { EpochMs } from '../domain/time.js';
import { preview } from '../lib/preview.js';

/**
 * What the `crypto-prices` topic carries, keyed by symbol: ticks, and the ingest side's word on a feed
 * that has no new tick. A heartbeat says the source answered but the price has not changed (it keeps the
 * latest price alive); a gap says the source was skipped after its retries (the latest price is stale).
 */
export interface FeedSignal {
  readonly type: 'heartbeat' | 'gap';
  readonly symbol: string;
  readonly source: string;
  /** Processing time of the signal, epoch ms. */
  readonly at: number;
  readonly reason?: string;
}

export type PriceMessage = { readonly type: 'tick'; readonly tick: Tick } | FeedSignal;

export type Decoded =
  | { readonly ok: true; readonly message: PriceMessage }
  | { readonly ok: false; readonly code: ErrorCode; readonly reason: string };

export const encodeTick = (tick: Tick): string => JSON.stringify(tickToJson(tick));
export const encodeSignal = (signal: FeedSignal): string => JSON.stringify(signal);

const reject = (code: ErrorCode, reason: string): Decoded => ({ ok: false, code, reason });

/** What a record is decoded against: only what is stored with it, so a replay decides the same. */
export interface DecodeContext {
  /** When the log took the record: its tick was received then at the latest. */
  readonly appendedAt: EpochMs;
  /** How far ahead of its receipt (or append) time an event time may be. */
  readonly futureHorizonMs: number;
}

/**
 * Decodes one record value; a poison record gets a code and a precise reason instead of an exception. A
 * tick from the future (beyond the horizon of its `received_at` or of its append time, the earlier) is
 * poison too: it must never move its symbol's clock. A tick without `received_at` was received when it
 * was appended.
 */
export function decodePriceMessage(value: string, context: DecodeContext): Decoded {
  const parsed = parseRecord(value);
  if (!parsed.ok) return reject('TF_POISON_JSON', parsed.reason);
  const raw = parsed.value;
  const type = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>)['type'] : undefined;
  if (type === 'heartbeat' || type === 'gap') {
    const r = raw as Record<string, unknown>;
    const symbol = normaliseSymbol(r['symbol']);
    if (symbol === undefined || typeof r['source'] !== 'string' || typeof r['at'] !== 'number') {
      return reject('TF_POISON_SIGNAL', `${type} needs symbol, source and at`);
    }
    const reason = typeof r['reason'] === 'string' ? { reason: r['reason'] } : {};
    return { ok: true, message: { type, symbol, source: r['source'], at: r['at'], ...reason } };
  }
  if (type !== undefined && type !== 'tick')
    return reject('TF_POISON_TYPE', `unknown message type ${preview(type)}`);
  const result = validateTick(raw, context.appendedAt);
  if (!result.ok) return reject('TF_POISON_TICK', `${result.field}: ${result.reason}`);
  const { tick } = result;
  const reference = Math.min(tick.receivedAt, context.appendedAt);
  const future = eventTimeProblem(tick.ts, reference, context.futureHorizonMs);
  if (future !== null) return reject('TF_POISON_FUTURE', `ts: ${future}`);
  return { ok: true, message: { type: 'tick', tick } };
}
