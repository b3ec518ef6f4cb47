import { arrayBody, messageObject } from './exchange-payload.js';
import { getJson } from './http.js';
import {
  type BackfillContext,
  type BackfillResult,
  type Exchange,
  type StreamMessage,
  type Trade,
  checkTrade,
  isRecord,
} from './trade.js';
import { TradeStreamSource, type TradeStreamOptions } from './trade-stream.js';

export interface BinanceOptions extends TradeStreamOptions {
  /** e.g. `wss://stream.binance.com:9443` */
  readonly wsUrl: string;
  /** e.g. `https://api.binance.com` */
  readonly restUrl: string;
  readonly symbols: readonly string[];
}

/** BTC → BTCUSDT: Binance quotes the majors in USDT. */
export const binancePair = (symbol: string): string => `${symbol}USDT`;
/** The most recent trades `GET /api/v3/trades` returns at most. */
export const BINANCE_BACKFILL_LIMIT = 1000;
const FIELDS = { id: 't', price: 'p', size: 'q', time: 'T' };
const REST_FIELDS = { id: 'id', price: 'price', size: 'qty', time: 'time' };

/**
 * Binance spot: the combined `@trade` streams (`{ws}/stream?streams=btcusdt@trade/ethusdt@trade`), and
 * `GET /api/v3/trades` to back-fill a gap. That is the public endpoint with trade-level ids (the `t` of the
 * stream): `historicalTrades`, which takes `fromId`, needs an API key, and `aggTrades` numbers aggregates,
 * not trades. `/api/v3/trades` returns only the latest 1000 trades (weight 25), so a gap longer than that
 * (for BTCUSDT, roughly a minute) is filled in part and counted as a gap.
 */
export class BinanceExchange implements Exchange {
  readonly name = 'binance';
  readonly label = 'Binance';
  readonly url: string;
  /** 418: the IP is banned for a while after ignoring 429s; its Retry-After says how long. */
  readonly retryStatuses: readonly number[] = [418];
  readonly subscribe: readonly string[] = [];
  private readonly symbolOf = new Map<string, string>();

  constructor(private readonly options: Pick<BinanceOptions, 'wsUrl' | 'restUrl' | 'symbols'>) {
    for (const symbol of options.symbols) this.symbolOf.set(binancePair(symbol), symbol);
    const streams = [...this.symbolOf.keys()].map((pair) => `${pair.toLowerCase()}@trade`).join('/');
    this.url = `${options.wsUrl}/stream?streams=${streams}`;
  }

  parse(text: string): StreamMessage {
    const parsed = messageObject(text);
    if (!parsed.ok) return parsed.reject;
    const { msg } = parsed;
    const data = msg['data'];
    if (!isRecord(data) || data['e'] !== 'trade') return { kind: 'ignore' };
    const symbol = typeof data['s'] === 'string' ? this.symbolOf.get(data['s']) : undefined;
    if (symbol === undefined) return { kind: 'reject', reason: 'trade.s: not a pair that was asked for' };
    const time = data['T'];
    const checked = checkTrade(
      symbol,
      data['t'],
      data['p'],
      data['q'],
      typeof time === 'number' ? time : -1,
      FIELDS,
    );
    return checked.ok
      ? { kind: 'trades', trades: [checked.trade] }
      : { kind: 'reject', reason: `trade.${checked.reason}` };
  }

  async backfill(symbol: string, afterId: number, context: BackfillContext): Promise<BackfillResult> {
    const url = `${this.options.restUrl}/api/v3/trades?symbol=${binancePair(symbol)}&limit=${BINANCE_BACKFILL_LIMIT}`;
    const answer = await getJson(url, {
      label: 'Binance REST',
      ...context,
      retryStatuses: this.retryStatuses,
      configHint: () => 'check BINANCE_REST_URL and TICKFLOW_SYMBOLS',
    });
    const body = arrayBody(answer.body, 'Binance REST', url);
    const trades: Trade[] = [];
    const rejected: string[] = [];
    let oldest = Number.POSITIVE_INFINITY;
    for (const item of body) {
      if (!isRecord(item)) {
        rejected.push('trades.trade: must be a JSON object');
        continue;
      }
      const time = item['time'];
      const checked = checkTrade(
        symbol,
        item['id'],
        item['price'],
        item['qty'],
        typeof time === 'number' ? time : -1,
        REST_FIELDS,
      );
      if (!checked.ok) {
        rejected.push(`trades.${checked.reason}`);
        continue;
      }
      oldest = Math.min(oldest, checked.trade.id);
      if (checked.trade.id > afterId) trades.push(checked.trade);
    }
    trades.sort((a, b) => a.id - b.id);
    return { trades, complete: body.length === 0 || oldest <= afterId + 1, rejected };
  }
}

export const createBinanceSource = (options: BinanceOptions): TradeStreamSource =>
  new TradeStreamSource(new BinanceExchange(options), options);
