import { ALERT_RULES, type Alert, type AlertJson, type AlertRule } from '../domain/alert.js';
import type { Candle } from '../domain/candle.js';
import { epochMs } from '../domain/time.js';
import type { OutboxEntry, PartitionCheckpoint, SymbolInfo } from './store.js';

/**
 * Rows as the drivers return them. bigint columns arrive as numbers from PGlite and as strings from
 * node-postgres, so they are typed `Int8` and read with Number() (epoch ms and offsets are safe integers).
 */
type Int8 = number | string;

export interface CandleRow {
  readonly symbol: string;
  readonly interval: string;
  readonly window_start: Int8;
  readonly window_end: Int8;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number | null;
  readonly trades: number;
  readonly vwap: number | null;
}

export interface AlertRow {
  readonly id: string;
  readonly symbol: string;
  readonly interval: string;
  readonly rule: string;
  readonly window_start: Int8;
  readonly value: number;
  readonly threshold: number;
  readonly ts: Int8;
}

export interface SymbolRow {
  readonly symbol: string;
  readonly coingecko_id: string | null;
  readonly first_seen: Int8;
}

export interface CheckpointRow {
  readonly partition: number;
  /** Selected as text, so an offset past 2^53 stays exact. */
  readonly next_offset: string;
  readonly state: string;
}

export interface ClaimRow {
  readonly partition: number;
  /** Selected as text. */
  readonly epoch: string;
}

export interface OwnerRow {
  readonly epoch: string;
  readonly owner: string;
}

export interface OutboxRow {
  readonly seq: Int8;
  /** jsonb: parsed by the driver; a string if a driver hands it over as text. */
  readonly payload: AlertJson | string;
}

export const candleFromRow = (r: CandleRow): Candle => ({
  symbol: r.symbol,
  interval: r.interval,
  windowStart: epochMs(Number(r.window_start)),
  windowEnd: epochMs(Number(r.window_end)),
  open: r.open,
  high: r.high,
  low: r.low,
  close: r.close,
  volume: r.volume,
  trades: r.trades,
  vwap: r.vwap,
  closed: true,
});

const asRule = (rule: string): AlertRule => {
  if ((ALERT_RULES as readonly string[]).includes(rule)) return rule as AlertRule;
  throw new Error(`unknown alert rule "${rule}" in the store`);
};

export const alertFromRow = (r: AlertRow): Alert => ({
  id: r.id,
  symbol: r.symbol,
  interval: r.interval,
  rule: asRule(r.rule),
  windowStart: epochMs(Number(r.window_start)),
  value: r.value,
  threshold: r.threshold,
  ts: epochMs(Number(r.ts)),
});

export const symbolFromRow = (r: SymbolRow): SymbolInfo => ({
  symbol: r.symbol,
  coingeckoId: r.coingecko_id,
  firstSeen: Number(r.first_seen),
});

export const checkpointFromRow = (r: CheckpointRow): PartitionCheckpoint => ({
  partition: r.partition,
  nextOffset: BigInt(r.next_offset),
  state: r.state,
});

export function outboxFromRow(r: OutboxRow): OutboxEntry {
  const json = typeof r.payload === 'string' ? (JSON.parse(r.payload) as AlertJson) : r.payload;
  return { seq: Number(r.seq), alert: alertFromRow(json) };
}
