import { mkdir } from 'node:fs/promises';
import type { PGlite } from '@electric-sql/pglite';
import { DirLock, type DirLockOptions } from '../io/dir-lock.js';
import { type BackoffPolicy, backoffDelay } from '../lib/backoff.js';
import type { Logger } from '../logger.js';
import { describeFailure } from './failure-description.js';
import { startEngine, stopEngine } from './pglite-engine.js';
import { isEngineBroken } from './pglite-failure.js';
import { runQuery, runTransaction } from './pglite-transaction.js';
import type { SqlClient } from './sql-client.js';
import { StoreError, storeLocked, storeOutage, storeUnavailable } from './store-errors.js';

/** PGlite has no lock of its own: two processes on one data directory would corrupt it. */
const LOCK: DirLockOptions = { fileName: 'tickflow-store.lock', label: 'store', lockedError: storeLocked };

/** Waits between attempts to reopen a broken engine: full jitter from 250 ms, capped at 10 s. */
const REOPEN_BACKOFF: BackoffPolicy = { baseMs: 250, maxMs: 10_000 };

/**
 * Breakdowns with no transaction committed between them: one outage. A full disk breaks every engine
 * reopened on it at its first write, so without this each commit retry would close and reopen the engine
 * at once and log it anew; instead the reopens back off and the outage is logged when it starts and ends.
 */
interface Outage {
  readonly since: number;
  breakdowns: number;
}

/** A broken engine, being replaced. */
interface Breakdown {
  readonly reason: string;
  readonly cause: unknown;
  readonly since: number;
  /** The broken engine's close: a reopen waits for it, so two engines never share the directory. */
  readonly stopped: Promise<void>;
  /** Failed attempts to reopen. */
  attempts: number;
  nextAttemptAt: number;
}

type EngineState =
  | { readonly kind: 'open'; readonly db: PGlite }
  | { readonly kind: 'broken'; readonly breakdown: Breakdown }
  | { readonly kind: 'closed' };

/**
 * PGlite as a SqlClient. PGlite is one connection: a query outside a transaction waits until the running
 * transaction ends, so readers never see, or break, a transaction in progress. The directory is locked
 * while open, since PGlite itself does not stop a second process from opening (and corrupting) it.
 *
 * An engine that fails in a way no SQL error explains (see pglite-failure.ts) is closed and, on the next
 * call, reopened from the directory, at most once per backoff delay; until then calls fail fast with a
 * retriable TF_STORE_UNAVAILABLE (TF_STORE_NO_SPACE when the disk is full). An engine that breaks again
 * before a transaction has committed on it is part of the same outage: its reopen waits longer, and only
 * the outage's first breakdown and first reopen are logged (with `reopens`: how many times this client has
 * replaced its engine), then the first commit after more than one breakdown.
 */
export class PgliteClient implements SqlClient {
  readonly #dir: string;
  readonly #logger: Logger;
  readonly #lock: DirLock;
  #state: EngineState;
  #reopening: Promise<PGlite> | undefined;
  #reopens = 0;
  #outage: Outage | null = null;

  private constructor(dir: string, logger: Logger, lock: DirLock, db: PGlite) {
    this.#dir = dir;
    this.#logger = logger;
    this.#lock = lock;
    this.#state = { kind: 'open', db };
  }

  /** Opens (creating it on first use) the database in `dir`. */
  static async open(dir: string, logger: Logger): Promise<PgliteClient> {
    try {
      await mkdir(dir, { recursive: true });
      const lock = await DirLock.acquire(dir, LOCK, logger);
      try {
        return new PgliteClient(dir, logger, lock, await startEngine(dir));
      } catch (err) {
        await lock.release();
        throw err;
      }
    } catch (err) {
      if (err instanceof StoreError) throw err;
      throw storeOutage(`cannot open the PGlite database in ${dir}: ${describeFailure(err)}`, err);
    }
  }

  query<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return this.#run((db) => runQuery<T>(db, sql, params), isEngineBroken);
  }

  async transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
    const fromEngine = new Set<unknown>();
    const result = await this.#run(
      (db) => runTransaction(db, fn, fromEngine),
      (err) => fromEngine.has(err) && isEngineBroken(err),
    );
    this.#committed();
    return result;
  }

  async close(): Promise<void> {
    const state = this.#state;
    if (state.kind === 'closed') return;
    this.#state = { kind: 'closed' };
    try {
      await this.#reopening?.catch(() => undefined);
      if (state.kind === 'broken') await state.breakdown.stopped;
      else await stopEngine(state.db);
    } finally {
      await this.#lock.release();
    }
  }

  async #run<T>(op: (db: PGlite) => Promise<T>, broken: (err: unknown) => boolean): Promise<T> {
    const db = await this.#engine();
    try {
      return await op(db);
    } catch (err) {
      if (!broken(err)) throw err;
      const reason = describeFailure(err);
      this.#breakDown(db, reason, err);
      throw storeOutage(`the database engine failed (${reason}); reopening it from ${this.#dir}`, err);
    }
  }

  #engine(): Promise<PGlite> {
    const state = this.#state;
    if (state.kind === 'open') return Promise.resolve(state.db);
    if (state.kind === 'closed') return Promise.reject(storeUnavailable('the database is closed'));
    this.#reopening ??= this.#reopen(state.breakdown).finally(() => {
      this.#reopening = undefined;
    });
    return this.#reopening;
  }

  /**
   * Stops a broken engine, once: later failures of the same engine are part of the same breakdown. The
   * first breakdown of an outage is reopened at once; each further one waits a backoff delay longer.
   */
  #breakDown(db: PGlite, reason: string, cause: unknown): void {
    if (this.#state.kind !== 'open' || this.#state.db !== db) return;
    const stopped = stopEngine(db).catch(() => undefined);
    const now = Date.now();
    const outage = this.#outage ?? { since: now, breakdowns: 0 };
    this.#outage = outage;
    outage.breakdowns++;
    const repeat = outage.breakdowns - 1;
    const nextAttemptAt = repeat === 0 ? 0 : now + backoffDelay(repeat, REOPEN_BACKOFF, Math.random);
    const breakdown = { reason, cause, since: now, stopped, attempts: 0, nextAttemptAt };
    this.#state = { kind: 'broken', breakdown };
    if (repeat > 0) return;
    this.#logger.warn(
      { dir: this.#dir, reason, reopens: this.#reopens },
      'store engine broken: closing it, to reopen it from the data directory (until a transaction commits, further breakdowns are counted, not logged)',
    );
  }

  /** A transaction committed: the outage, if there was one, is over. */
  #committed(): void {
    const outage = this.#outage;
    if (outage === null) return;
    this.#outage = null;
    if (outage.breakdowns === 1) return;
    this.#logger.info(
      { dir: this.#dir, breakdowns: outage.breakdowns, downMs: Date.now() - outage.since },
      `store engine commits again, after ${outage.breakdowns} breakdowns`,
    );
  }

  async #reopen(breakdown: Breakdown): Promise<PGlite> {
    const { reason, cause } = breakdown;
    const wait = breakdown.nextAttemptAt - Date.now();
    if (wait > 0) {
      throw storeOutage(`the database engine failed (${reason}); next reopen attempt in ${wait} ms`, cause);
    }
    await breakdown.stopped;
    let db: PGlite;
    try {
      db = await startEngine(this.#dir);
    } catch (err) {
      breakdown.attempts++;
      breakdown.nextAttemptAt = Date.now() + backoffDelay(breakdown.attempts, REOPEN_BACKOFF, Math.random);
      const failure = `${describeFailure(err)} (attempt ${breakdown.attempts})`;
      throw storeOutage(`the database engine failed (${reason}) and cannot be reopened: ${failure}`, err);
    }
    if (this.#state.kind === 'closed') {
      await stopEngine(db).catch(() => undefined);
      throw storeUnavailable('the database is closed');
    }
    this.#state = { kind: 'open', db };
    this.#reopens++;
    if ((this.#outage?.breakdowns ?? 1) > 1) return db;
    this.#logger.info(
      {
        dir: this.#dir,
        reopens: this.#reopens,
        failedAttempts: breakdown.attempts,
        downMs: Date.now() - breakdown.since,
      },
      'store engine reopened from the data directory',
    );
    return db;
  }
}
