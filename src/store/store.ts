import type { Alert } from '../domain/alert.js';
import type { Candle } from '../domain/candle.js';

/** One partition's processor checkpoint: the operator state of its symbols and the next offset to read. */
export interface PartitionCheckpoint {
  readonly partition: number;
  /** A log offset (int64 in Kafka, so a bigint). */
  readonly nextOffset: bigint;
  /** An encoded operator checkpoint (src/processor/checkpoint-codec.ts). */
  readonly state: string;
}

/** A partition's owner epoch, from `claimPartitions`: a commit carrying an older one is a zombie's. */
export interface PartitionFence {
  readonly partition: number;
  readonly epoch: bigint;
}

/** What claiming a partition returns: the owner's new epoch, and the checkpoint to resume from. */
export interface PartitionClaim extends PartitionFence {
  readonly checkpoint: PartitionCheckpoint | null;
}

/** Everything one processor commit writes, in one transaction. */
export interface CommitBatch {
  /** Consumer group, e.g. `tickflow-processor`. */
  readonly group: string;
  /**
   * The epoch the writer holds for the partition the batch comes from. The commit is refused with
   * TF_STORE_FENCED, and writes nothing, when the partition has been claimed since. Null only for writes
   * outside the processor (tools, tests).
   */
  readonly fence: PartitionFence | null;
  readonly checkpoints: readonly PartitionCheckpoint[];
  /** Closed candles (and updates from allowed lateness): upserted on (crypto_id, interval, window_start). */
  readonly candles: readonly Candle[];
  /** Alerts: inserted once by id, and queued in the outbox for the alerts topic. */
  readonly alerts: readonly Alert[];
}

/**
 * Closed candles of one series, always oldest first. With `from`, the first `limit` from there (a page,
 * as with CCXT's `since`); without it, the newest `limit` before `to` (or of all), as exchanges answer a
 * request without a start.
 */
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

/** The processor's side: it claims partitions, and commits its outputs with its state and offsets. */
export interface ProcessorSink {
  /** Records symbols (and their CoinGecko ids) in `cryptocurrencies`. */
  registerSymbols(symbols: readonly { symbol: string; coingeckoId: string | null }[]): Promise<void>;
  /**
   * Takes partitions over for `owner`: bumps each partition's epoch, fencing off every earlier owner, and
   * returns the new epochs with the checkpoints as they stand after the claim.
   */
  claimPartitions(group: string, owner: string, partitions: readonly number[]): Promise<PartitionClaim[]>;
  loadCheckpoints(group: string, partitions: readonly number[]): Promise<Map<number, PartitionCheckpoint>>;
  /** Writes candles, alerts, outbox entries and checkpoints atomically, if the batch's fence holds. */
  commit(batch: CommitBatch): Promise<void>;
  /** Throws a retriable TickflowError when the store cannot be reached. */
  health(): Promise<void>;
}

/** What the API reads. */
export interface HistoryReader {
  /**
   * Read-only: a caching store hands the same result to every caller until a commit changes it, and a
   * caller may key its own work (a serialized response) on the result's identity.
   */
  candles(query: CandleQuery): Promise<readonly Candle[]>;
  alerts(query: AlertQuery): Promise<Alert[]>;
  symbols(): Promise<SymbolInfo[]>;
  /** Throws a retriable TickflowError when the store cannot be reached. */
  health(): Promise<void>;
}

/** The alert outbox, which any number of relays drain together. */
export interface AlertOutbox {
  /**
   * Leases up to `limit` unpublished alerts, oldest first, to relay `owner` for `leaseMs`: no other relay
   * gets them until the lease runs out, so each alert is published once unless a relay dies holding it.
   */
  claimOutbox(owner: string, limit: number, leaseMs: number): Promise<OutboxEntry[]>;
  /** Alerts not yet published, oldest first, leased or not: a look without claiming (for monitoring). */
  pendingOutbox(limit: number): Promise<OutboxEntry[]>;
  markPublished(seqs: readonly number[]): Promise<void>;
}

/** One database in its three roles; each part of tickflow takes only the role it needs. */
export interface Store extends ProcessorSink, HistoryReader, AlertOutbox {
  readonly kind: 'pglite' | 'postgres';
  /** Opens the database and runs the migrations. */
  start(): Promise<void>;
  close(): Promise<void>;
}
