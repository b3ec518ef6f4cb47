import { type Alert, alertToJson } from '../domain/alert.js';
import type { Candle } from '../domain/candle.js';
import type { CommitBatch, PartitionCheckpoint } from './store.js';

/**
 * Turns a commit batch into the parallel arrays the statements in queries.ts `unnest`. A key that occurs
 * twice in one batch keeps its last occurrence: one statement may not upsert the same row twice, and the
 * last write is the one that would have won anyway.
 */

const lastByKey = <T>(items: readonly T[], key: (item: T) => string): T[] => {
  const byKey = new Map<string, T>();
  for (const item of items) {
    const k = key(item);
    byKey.delete(k);
    byKey.set(k, item);
  }
  return [...byKey.values()];
};

/** Symbols to register, each once (the last CoinGecko id given wins). */
export function registrationParams(
  symbols: readonly { symbol: string; coingeckoId: string | null }[],
): unknown[] {
  const rows = lastByKey(symbols, (s) => s.symbol);
  return [rows.map((s) => s.symbol), rows.map((s) => s.coingeckoId)];
}

/** The symbols a batch refers to, each once, with no CoinGecko id. */
export function symbolParams(batch: CommitBatch): unknown[] {
  const symbols = [...new Set([...batch.candles.map((c) => c.symbol), ...batch.alerts.map((a) => a.symbol)])];
  return [symbols, symbols.map(() => null)];
}

export function candleParams(candles: readonly Candle[]): unknown[] {
  const rows = lastByKey(candles, (c) => `${c.symbol}\u0000${c.interval}\u0000${c.windowStart}`);
  return [
    rows.map((c) => c.symbol),
    rows.map((c) => c.interval),
    rows.map((c) => c.windowStart),
    rows.map((c) => c.windowEnd),
    rows.map((c) => c.open),
    rows.map((c) => c.high),
    rows.map((c) => c.low),
    rows.map((c) => c.close),
    rows.map((c) => c.volume),
    rows.map((c) => c.trades),
    rows.map((c) => c.vwap),
  ];
}

/** The number of distinct candles `candleParams` sends. */
export const candleCount = (params: readonly unknown[]): number => (params[0] as unknown[]).length;

export function alertParams(alerts: readonly Alert[]): unknown[] {
  const rows = lastByKey(alerts, (a) => a.id);
  return [
    rows.map((a) => a.id),
    rows.map((a) => a.symbol),
    rows.map((a) => a.interval),
    rows.map((a) => a.rule),
    rows.map((a) => a.windowStart),
    rows.map((a) => a.value),
    rows.map((a) => a.threshold),
    rows.map((a) => a.ts),
    rows.map((a) => JSON.stringify(alertToJson(a))),
  ];
}

export function checkpointParams(group: string, checkpoints: readonly PartitionCheckpoint[]): unknown[] {
  const rows = lastByKey(checkpoints, (c) => String(c.partition));
  const offsets = rows.map((c) => c.nextOffset.toString());
  return [group, rows.map((c) => c.partition), offsets, rows.map((c) => c.state)];
}
