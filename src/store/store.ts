import type { Alert } from '../domain/alert.js';
import type { Candle } from '../domain/candle.js';

/** One partition's processor checkpoint: the operator state of its symbols and the next offset to read. */
export interface PartitionCheckpoint {
  readonly partition: number;
  readonly nextOffset: number;
  /** An encoded operator checkpoint (src/processor/checkpoint-codec.ts). */
  readonly state: string;
}

/** Everything one processor commit writes, in one transaction. */
export interface CommitBatch {
  /** Consumer group, e.g. `tickflow-processor`. */
  readonly group: string;
  readonly checkpoints: readonly PartitionCheckpoint[];
  /** Closed candles (and updates from allowed lateness): upserted on (crypto_id, interval, window_start). */
  readonly candles: readonly Candle[];
  /** Alerts: inserted once by id, and queued in the outbox for the alerts topic. */
  readonly alerts: readonly Alert[];
}

export interface CandleQuery {
  readonly symbol: string;
  readonly interval: string;
  /** Inclusive lower bound on window_start, epoch ms. */
  readonly from?: number;
  /** Exclusive upper bound on window_start, epoch ms. */
  readonly to?: number;
  readonly limit: number;
}

export interface AlertQuery {
  readonly symbol: string;
  /** Alerts with ts ≥ since. */
  readonly since?: number;
  readonly limit: number;
}

export interface SymbolInfo {
  readonly symbol: string;
  /** The CoinGecko id, where known. */
  readonly coingeckoId: string | null;
  readonly firstSeen: number;
}

export interface OutboxEntry {
  readonly seq: number;
  readonly alert: Alert;
}

export interface Store {
  readonly kind: 'pglite' | 'postgres';
  /** Opens the database and runs the migrations. */
  start(): Promise<void>;
  /** Records symbols (and their CoinGecko ids) in `cryptocurrencies`. */
  registerSymbols(symbols: readonly { symbol: string; coingeckoId: string | null }[]): Promise<void>;
  loadCheckpoints(group: string, partitions: readonly number[]): Promise<Map<number, PartitionCheckpoint>>;
  /** Writes candles, alerts, outbox entries and checkpoints atomically. */
  commit(batch: CommitBatch): Promise<void>;
  candles(query: CandleQuery): Promise<Candle[]>;
  alerts(query: AlertQuery): Promise<Alert[]>;
  symbols(): Promise<SymbolInfo[]>;
  /** Alerts not yet published to the alerts topic, oldest first. */
  pendingOutbox(limit: number): Promise<OutboxEntry[]>;
  markPublished(seqs: readonly number[]): Promise<void>;
  /** Throws a retriable TickflowError when the store cannot be reached. */
  health(): Promise<void>;
  close(): Promise<void>;
}
