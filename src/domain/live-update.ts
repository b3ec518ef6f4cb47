import type { AlertJson } from './alert.js';
import type { CandleJson } from './candle.js';

/** The value of `crypto:{SYMBOL}:latest`, and the body of `GET /api/v1/latest/{symbol}`. */
export interface LatestPrice {
  readonly symbol: string;
  readonly price: number;
  /** Event time of the price, epoch ms. */
  readonly ts: number;
  readonly source: string;
  readonly change_24h: number | null;
  readonly volume_24h: number | null;
  /** True when the feed behind it has missed updates (a gap). */
  readonly stale: boolean;
}

/** What is published on `crypto:updates`, and pushed to WebSocket clients of that symbol. */
export type Update =
  | ({ readonly type: 'tick' } & LatestPrice)
  | ({ readonly type: 'candle'; readonly closed: boolean } & CandleJson)
  | ({ readonly type: 'alert' } & AlertJson);
