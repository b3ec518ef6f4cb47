import type { Alert } from '../domain/alert.js';
import type { Candle } from '../domain/candle.js';
import type { AlertQuery, CandleQuery, CommitBatch, Store } from './store.js';

/** Cached queries kept per series (symbol and interval, or symbol for alerts); the oldest go first. */
const DEFAULT_PER_SERIES = 64;

/** Query results by series, then by query. */
class QueryCache<T> {
  private readonly series = new Map<string, Map<string, Promise<T>>>();

  constructor(private readonly perSeries: number) {}

  /** Serves a query from memory, or reads it once; a failed read is not kept. */
  get(series: string, query: string, read: () => Promise<T>): Promise<T> {
    let queries = this.series.get(series);
    if (queries === undefined) this.series.set(series, (queries = new Map<string, Promise<T>>()));
    const hit = queries.get(query);
    if (hit !== undefined) return hit;
    const pending = read();
    queries.set(query, pending);
    pending.catch(() => {
      if (queries.get(query) === pending) queries.delete(query);
    });
    if (queries.size > this.perSeries) queries.delete(queries.keys().next().value as string);
    return pending;
  }

  invalidate(series: string): void {
    this.series.delete(series);
  }

  clear(): void {
    this.series.clear();
  }
}

/**
 * A read-through cache of history queries in front of a store that only this process writes (the embedded
 * PGlite store, where the API and the processor share one process). Repeated queries — a dashboard's
 * history, a client paging the same range — are answered from memory; a commit drops the cached queries
 * of the series it wrote, so a reader never sees history older than the last commit. Concurrent misses
 * for one query share a single store read. Not for a store other processes write (PostgreSQL).
 */
export class CachedStore implements Store {
  private readonly candleQueries: QueryCache<readonly Candle[]>;
  private readonly alertQueries: QueryCache<Alert[]>;

  constructor(
    private readonly inner: Store,
    perSeries = DEFAULT_PER_SERIES,
  ) {
    this.candleQueries = new QueryCache(perSeries);
    this.alertQueries = new QueryCache(perSeries);
  }

  get kind(): Store['kind'] {
    return this.inner.kind;
  }

  async commit(batch: CommitBatch): Promise<void> {
    try {
      await this.inner.commit(batch);
    } finally {
      // Also on failure: a commit whose outcome is unknown may have been written.
      for (const c of batch.candles) this.candleQueries.invalidate(`${c.symbol} ${c.interval}`);
      for (const a of batch.alerts) this.alertQueries.invalidate(a.symbol);
    }
  }

  candles(query: CandleQuery): Promise<readonly Candle[]> {
    const key = `${query.from ?? ''} ${query.to ?? ''} ${query.limit}`;
    return this.candleQueries.get(`${query.symbol} ${query.interval}`, key, () => this.inner.candles(query));
  }

  alerts(query: AlertQuery): Promise<Alert[]> {
    return this.alertQueries.get(query.symbol, `${query.since ?? ''} ${query.limit}`, () =>
      this.inner.alerts(query),
    );
  }

  start(): Promise<void> {
    return this.inner.start();
  }

  registerSymbols(symbols: Parameters<Store['registerSymbols']>[0]): Promise<void> {
    return this.inner.registerSymbols(symbols);
  }

  claimPartitions(
    group: string,
    owner: string,
    partitions: readonly number[],
  ): ReturnType<Store['claimPartitions']> {
    return this.inner.claimPartitions(group, owner, partitions);
  }

  loadCheckpoints(group: string, partitions: readonly number[]): ReturnType<Store['loadCheckpoints']> {
    return this.inner.loadCheckpoints(group, partitions);
  }

  symbols(): ReturnType<Store['symbols']> {
    return this.inner.symbols();
  }

  pendingOutbox(limit: number): ReturnType<Store['pendingOutbox']> {
    return this.inner.pendingOutbox(limit);
  }

  claimOutbox(owner: string, limit: number, leaseMs: number): ReturnType<Store['claimOutbox']> {
    return this.inner.claimOutbox(owner, limit, leaseMs);
  }

  markPublished(seqs: readonly number[]): Promise<void> {
    return this.inner.markPublished(seqs);
  }

  health(): Promise<void> {
    return this.inner.health();
  }

  async close(): Promise<void> {
    this.candleQueries.clear();
    this.alertQueries.clear();
    await this.inner.close();
  }
}
