import type { Alert } from '../domain/alert.js';
import type { Candle } from '../domain/candle.js';
import type { Logger } from '../logger.js';
import {
  alertParams,
  candleCount,
  candleParams,
  checkpointParams,
  registrationParams,
  symbolParams,
} from './commit-params.js';
import { migrate } from './migrate.js';
import { MIGRATIONS, type Migration } from './migrations/index.js';
import * as q from './queries.js';
import {
  type AlertRow,
  type CandleRow,
  type CheckpointRow,
  type ClaimRow,
  type OwnerRow,
  type OutboxRow,
  type SymbolRow,
  alertFromRow,
  candleFromRow,
  checkpointFromRow,
  outboxFromRow,
  symbolFromRow,
} from './rows.js';
import type { SqlClient } from './sql-client.js';
import { describeFailure } from './failure-description.js';
import {
  StoreError,
  isOutage,
  storeError,
  storeFenced,
  storeOutage,
  storeUnavailable,
} from './store-errors.js';
import type {
  AlertQuery,
  CandleQuery,
  CommitBatch,
  OutboxEntry,
  PartitionCheckpoint,
  PartitionClaim,
  Store,
  SymbolInfo,
} from './store.js';

export interface SqlStoreOptions {
  readonly kind: Store['kind'];
  /** Opens the connection (or pool); called by start(). */
  readonly connect: () => Promise<SqlClient>;
  readonly logger: Logger;
  /** Defaults to every migration of this version. */
  readonly migrations?: readonly Migration[];
}

/** Range bounds used when a query leaves `from`, `since` or `to` out: the instants a tick may carry. */
const MIN_MS = 0;
const MAX_MS = 253_402_300_800_000;
const clamp = (ms: number): number => Math.min(Math.max(ms, MIN_MS), MAX_MS);

/**
 * The Store over any SqlClient. Every method after close() (or before start()) rejects with
 * TF_STORE_UNAVAILABLE; driver errors become TF_STORE_UNAVAILABLE when the database cannot be reached,
 * TF_STORE_NO_SPACE when its disk is full, and TF_STORE_QUERY otherwise. Losing and regaining the database
 * is logged once each, not per call. A full disk fails writes while reads still work, so only a write ends
 * it; until then the health check reports it.
 */
export class SqlStore implements Store {
  readonly kind: Store['kind'];
  readonly #options: SqlStoreOptions;
  readonly #logger: Logger;
  readonly #inflight = new Set<Promise<unknown>>();
  #client: SqlClient | undefined;
  #starting: Promise<void> | undefined;
  #closed = false;
  /** Set while the store is lost; one lost for want of space is back only once a write succeeds. */
  #outage: StoreError | null = null;

  constructor(options: SqlStoreOptions) {
    this.kind = options.kind;
    this.#options = options;
    this.#logger = options.logger;
  }

  start(): Promise<void> {
    if (this.#closed) return Promise.reject(storeUnavailable('the store is closed'));
    this.#starting ??= this.#open().catch((err: unknown) => {
      this.#starting = undefined;
      throw err;
    });
    return this.#starting;
  }

  async #open(): Promise<void> {
    const started = performance.now();
    const client = await this.#options.connect().catch((err: unknown) => {
      throw err instanceof StoreError
        ? err
        : storeOutage(`cannot open the ${this.kind} database: ${describeFailure(err)}`, err);
    });
    try {
      const applied = await migrate(client, this.#options.migrations ?? MIGRATIONS, this.#logger);
      const timescaledb = (await client.query(q.SELECT_TIMESCALEDB)).length > 0;
      if (this.#closed) throw storeUnavailable('the store was closed while starting');
      this.#client = client;
      const ms = Math.round(performance.now() - started);
      this.#logger.info({ store: this.kind, ms, migrationsApplied: applied, timescaledb }, 'store started');
    } catch (err) {
      await client.close().catch(() => undefined);
      throw storeError('migrating the schema', err);
    }
  }

  registerSymbols(symbols: readonly { symbol: string; coingeckoId: string | null }[]): Promise<void> {
    if (symbols.length === 0) return this.#use('registering symbols', () => Promise.resolve());
    const params = registrationParams(symbols);
    return this.#write('registering symbols', (db) =>
      db.transaction(async (tx) => {
        await tx.query(q.INSERT_MISSING_SYMBOLS, params);
        await tx.query(q.UPDATE_COINGECKO_IDS, params);
      }),
    );
  }

  async loadCheckpoints(
    group: string,
    partitions: readonly number[],
  ): Promise<Map<number, PartitionCheckpoint>> {
    const rows = await this.#use('loading checkpoints', (db) =>
      db.query<CheckpointRow>(q.SELECT_CHECKPOINTS, [group, partitions]),
    );
    return new Map(rows.map((r) => [r.partition, checkpointFromRow(r)]));
  }

  async claimPartitions(
    group: string,
    owner: string,
    partitions: readonly number[],
  ): Promise<PartitionClaim[]> {
    if (partitions.length === 0) return [];
    return this.#write('claiming partitions', (db) =>
      db.transaction(async (tx) => {
        const claimed = await tx.query<ClaimRow>(q.CLAIM_PARTITIONS, [group, partitions, owner]);
        const rows = await tx.query<CheckpointRow>(q.SELECT_CHECKPOINTS, [group, partitions]);
        const checkpoints = new Map(rows.map((r) => [r.partition, checkpointFromRow(r)]));
        return claimed
          .map((c) => ({
            partition: c.partition,
            epoch: BigInt(c.epoch),
            checkpoint: checkpoints.get(c.partition) ?? null,
          }))
          .sort((a, b) => a.partition - b.partition);
      }),
    );
  }

  commit(batch: CommitBatch): Promise<void> {
    const empty = batch.candles.length + batch.alerts.length + batch.checkpoints.length === 0;
    if (empty && batch.fence === null) return this.#use('committing', () => Promise.resolve());
    return this.#write('committing', (db) => db.transaction((tx) => writeBatch(tx, batch)));
  }

  async candles(query: CandleQuery): Promise<readonly Candle[]> {
    const params = [query.symbol, query.interval, clamp(query.from ?? MIN_MS), clamp(query.to ?? MAX_MS)];
    const sql = query.from === undefined ? q.SELECT_LAST_CANDLES : q.SELECT_FIRST_CANDLES;
    const rows = await this.#use('reading candles', (db) =>
      db.query<CandleRow>(sql, [...params, query.limit]),
    );
    return rows.map(candleFromRow);
  }

  async alerts(query: AlertQuery): Promise<Alert[]> {
    const params = [query.symbol, clamp(query.since ?? MIN_MS), query.limit];
    const rows = await this.#use('reading alerts', (db) => db.query<AlertRow>(q.SELECT_ALERTS, params));
    return rows.map(alertFromRow);
  }

  async symbols(): Promise<SymbolInfo[]> {
    const rows = await this.#use('reading symbols', (db) => db.query<SymbolRow>(q.SELECT_SYMBOLS));
    return rows.map(symbolFromRow);
  }

  async pendingOutbox(limit: number): Promise<OutboxEntry[]> {
    const rows = await this.#use('reading the outbox', (db) =>
      db.query<OutboxRow>(q.SELECT_PENDING_OUTBOX, [limit]),
    );
    return rows.map(outboxFromRow);
  }

  async claimOutbox(owner: string, limit: number, leaseMs: number): Promise<OutboxEntry[]> {
    const rows = await this.#write('claiming from the outbox', (db) =>
      db.query<OutboxRow>(q.CLAIM_OUTBOX, [limit, owner, leaseMs]),
    );
    return rows.map(outboxFromRow).sort((a, b) => a.seq - b.seq);
  }

  async markPublished(seqs: readonly number[]): Promise<void> {
    if (seqs.length === 0) return this.#use('marking published', () => Promise.resolve());
    await this.#write('marking published', (db) => db.query(q.MARK_PUBLISHED, [seqs]));
  }

  async health(): Promise<void> {
    if (this.#outage?.code === 'TF_STORE_NO_SPACE') throw this.#outage;
    await this.#use('health check', (db) => db.query(q.SELECT_ONE)).catch((err: unknown) => {
      const error = storeError('health check', err);
      throw isOutage(error) ? error : storeUnavailable(error.message, error);
    });
  }

  /** Refuses new calls, waits for the ones running (a commit finishes or rolls back), then disconnects. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#starting?.catch(() => undefined);
    await Promise.allSettled([...this.#inflight]);
    const client = this.#client;
    this.#client = undefined;
    if (client === undefined) return;
    try {
      await client.close();
      this.#logger.info({ store: this.kind }, 'store closed');
    } catch (err) {
      this.#logger.warn({ store: this.kind, err }, 'store did not close cleanly');
    }
  }

  /** `#use` for an operation that writes. */
  #write<T>(operation: string, fn: (db: SqlClient) => Promise<T>): Promise<T> {
    return this.#use(operation, fn, true);
  }

  /** Runs `fn` on the open client, tracking it for close() and translating its errors. */
  #use<T>(operation: string, fn: (db: SqlClient) => Promise<T>, writes = false): Promise<T> {
    const client = this.#client;
    if (this.#closed || client === undefined) {
      return Promise.reject(
        storeUnavailable(this.#closed ? 'the store is closed' : 'the store is not started'),
      );
    }
    const run = fn(client).then(
      (result) => {
        this.#markUp(writes);
        return result;
      },
      (err: unknown) => {
        throw this.#markDown(storeError(operation, err));
      },
    );
    this.#inflight.add(run);
    void run.finally(() => this.#inflight.delete(run)).catch(() => undefined);
    return run;
  }

  #markUp(wrote: boolean): void {
    const outage = this.#outage;
    if (outage === null) return;
    const noSpace = outage.code === 'TF_STORE_NO_SPACE';
    if (noSpace && !wrote) return;
    this.#outage = null;
    this.#logger.info({ store: this.kind }, noSpace ? 'store writes succeed again' : 'store reachable again');
  }

  #markDown(err: StoreError): StoreError {
    if (!isOutage(err)) return err;
    const outage = this.#outage;
    if (outage === null) {
      const what = err.code === 'TF_STORE_NO_SPACE' ? 'store out of space' : 'store unreachable';
      this.#logger.error({ store: this.kind, code: err.code, err }, what);
    }
    // A full disk found while the store was unreachable is what a write has to overcome from then on.
    if (outage === null || err.code === 'TF_STORE_NO_SPACE') this.#outage = err;
    return err;
  }
}

/**
 * The body of a commit transaction: the fence first (its row stays locked to the end, so no claim can
 * slip in between), then symbols, so candles and alerts can refer to them.
 */
async function writeBatch(tx: SqlClient, batch: CommitBatch): Promise<void> {
  const { fence } = batch;
  if (fence !== null) {
    const [owner] = await tx.query<OwnerRow>(q.LOCK_PARTITION_OWNER, [batch.group, fence.partition]);
    if (owner === undefined || BigInt(owner.epoch) !== fence.epoch) {
      throw storeFenced(batch.group, fence.partition, fence.epoch, owner);
    }
  }
  const symbols = symbolParams(batch);
  if ((symbols[0] as unknown[]).length > 0) await tx.query(q.INSERT_MISSING_SYMBOLS, symbols);
  if (batch.candles.length > 0) {
    const params = candleParams(batch.candles);
    const written = await tx.query(q.UPSERT_CANDLES, params);
    if (written.length !== candleCount(params)) {
      throw new Error(`wrote ${written.length} of ${candleCount(params)} candles; rolled back`);
    }
  }
  if (batch.alerts.length > 0) await tx.query(q.INSERT_ALERTS, alertParams(batch.alerts));
  if (batch.checkpoints.length > 0) {
    await tx.query(q.UPSERT_CHECKPOINTS, checkpointParams(batch.group, batch.checkpoints));
  }
}
