import { arrayBody, messageObject } from './exchange-payload.js';
import { getJson } from './http.js';
import { SourceError } from './source-error.js';
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

export interface CoinbaseOptions extends TradeStreamOptions {
  /** e.g. `wss://ws-feed.exchange.coinbase.com` */
  readonly wsUrl: string;
  /** e.g. `https://api.exchange.coinbase.com` */
  readonly restUrl: string;
  readonly symbols: readonly string[];
}

/** BTC → BTC-USD. */
export const coinbaseProduct = (symbol: string): string => `${symbol}-USD`;

/** Pages of 1000 trades fetched at most per symbol when back-filling: 10,000 trades. */
export const COINBASE_BACKFILL_PAGES = 10;
const PAGE_SIZE = 1000;
const FIELDS = { id: 'trade_id', price: 'price', size: 'size', time: 'time' };

/**
 * Coinbase Exchange: the public `matches` channel of the WebSocket feed (`match` and, on subscribing,
 * `last_match` messages), and `GET /products/{product}/trades` to back-fill a gap. That endpoint returns the
 * newest trades first; older pages are requested with `after` set to the `CB-AFTER` header of the previous
 * page, until a page reaches the last trade id seen (at most `COINBASE_BACKFILL_PAGES` pages).
 */
export class CoinbaseExchange implements Exchange {
  readonly name = 'coinbase';
  readonly label = 'Coinbase';
  readonly url: string;
  readonly retryStatuses: readonly number[] = [];
  readonly subscribe: readonly string[];
  private readonly symbolOf = new Map<string, string>();

  constructor(private readonly options: Pick<CoinbaseOptions, 'wsUrl' | 'restUrl' | 'symbols'>) {
    for (const symbol of options.symbols) this.symbolOf.set(coinbaseProduct(symbol), symbol);
    this.url = options.wsUrl;
    this.subscribe = [
      JSON.stringify({ type: 'subscribe', product_ids: [...this.symbolOf.keys()], channels: ['matches'] }),
    ];
  }

  parse(text: string): StreamMessage {
    const parsed = messageObject(text);
    if (!parsed.ok) return parsed.reject;
    const { msg } = parsed;
    if (msg['type'] === 'error') {
      const detail = [msg['message'], msg['reason']].filter((v) => typeof v === 'string').join(': ');
      return {
        kind: 'error',
        error: new SourceError(
          'TF_SOURCE_CONFIG',
          `Coinbase refused the subscription: ${detail} (check TICKFLOW_SYMBOLS)`,
          {
            retriable: false,
          },
        ),
      };
    }
    if (msg['type'] !== 'match' && msg['type'] !== 'last_match') return { kind: 'ignore' };
    const trade = this.trade(msg);
    return typeof trade === 'string'
      ? { kind: 'reject', reason: `${msg['type']}.${trade}` }
      : { kind: 'trades', trades: [trade] };
  }

  /** A trade from a `match` message or a REST trade (same field names); a string says what is wrong. */
  private trade(item: Record<string, unknown>, product?: string): Trade | string {
    const symbol = this.symbolOf.get(
      typeof item['product_id'] === 'string' ? item['product_id'] : (product ?? ''),
    );
    if (symbol === undefined) return 'product_id: not a product that was asked for';
    const time = item['time'];
    const ts = typeof time === 'string' ? Date.parse(time) : Number.NaN;
    const checked = checkTrade(
      symbol,
      item['trade_id'],
      item['price'],
      item['size'],
      Number.isFinite(ts) ? ts : -1,
      FIELDS,
    );
    return checked.ok ? checked.trade : checked.reason;
  }

  async backfill(symbol: string, afterId: number, context: BackfillContext): Promise<BackfillResult> {
    const product = coinbaseProduct(symbol);
    const base = `${this.options.restUrl}/products/${encodeURIComponent(product)}/trades?limit=${PAGE_SIZE}`;
    const trades: Trade[] = [];
    const rejected: string[] = [];
    let cursor: string | null = null;
    let complete = false;
    for (let page = 0; page < COINBASE_BACKFILL_PAGES && !complete; page++) {
      const url = cursor === null ? base : `${base}&after=${encodeURIComponent(cursor)}`;
      const answer = await getJson(url, {
        label: 'Coinbase REST',
        ...context,
        configHint: () => 'check COINBASE_REST_URL and TICKFLOW_SYMBOLS',
      });
      const body = arrayBody(answer.body, 'Coinbase REST', url);
      let oldest = Number.POSITIVE_INFINITY;
      for (const item of body) {
        const trade = isRecord(item) ? this.trade(item, product) : 'trade: must be a JSON object';
        if (typeof trade === 'string') {
          rejected.push(`trades.${trade}`);
          continue;
        }
        oldest = Math.min(oldest, trade.id);
        if (trade.id > afterId) trades.push(trade);
      }
      complete = body.length === 0 || oldest <= afterId + 1;
      cursor = answer.headers.get('cb-after') ?? (Number.isFinite(oldest) ? String(oldest) : null);
      if (cursor === null) break;
    }
    trades.sort((a, b) => a.id - b.id);
    return { trades, complete, rejected };
  }
}

export const createCoinbaseSource = (options: CoinbaseOptions): TradeStreamSource =>
  new TradeStreamSource(new CoinbaseExchange(options), options);
