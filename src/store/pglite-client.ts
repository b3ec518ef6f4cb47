import { mkdir } from 'node:fs/promises';
import type { PGlite, Transaction } from '@electric-sql/pglite';
import { DirLock, type DirLockOptions } from '../io/dir-lock.js';
import type { Logger } from '../logger.js';
import type { SqlClient } from './sql-client.js';
import { describeFailure } from './failure-description.js';
import { startEngine, stopEngine } from './pglite-engine.js';
import { StoreError, storeLocked, storeOutage } from './store-errors.js';

/** PGlite has no lock of its own: two processes on one data directory would corrupt it. */
const LOCK: DirLockOptions = { fileName: 'tickflow-store.lock', label: 'store', lockedError: storeLocked };

type Queryable = Pick<Transaction, 'query'>;

const run = async <T>(db: Queryable, sql: string, params: readonly unknown[]): Promise<T[]> =>
  (await db.query<T>(sql, [...params])).rows;

/** Statements of a transaction, bound to PGlite's transaction handle; nested transactions are refused. */
const txClient = (tx: Transaction): SqlClient => ({
  query: (sql, params = []) => run(tx, sql, params),
  transaction: () => Promise.reject(new Error('nested transactions are not supported')),
  close: () => Promise.reject(new Error('cannot close the database from inside a transaction')),
});

/**
 * PGlite as a SqlClient. PGlite is one connection: a query outside a transaction waits until the running
 * transaction ends, so readers never see, or break, a transaction in progress. The directory is locked
 * while open, since PGlite itself does not stop a second process from opening (and corrupting) it.
 */
export class PgliteClient implements SqlClient {
  readonly #db: PGlite;
  readonly #lock: DirLock;

  private constructor(db: PGlite, lock: DirLock) {
    this.#db = db;
    this.#lock = lock;
  }

  /** Opens (creating it on first use) the database in `dir`. */
  static async open(dir: string, logger: Logger): Promise<PgliteClient> {
    try {
      await mkdir(dir, { recursive: true });
      const lock = await DirLock.acquire(dir, LOCK, logger);
      try {
        return new PgliteClient(await startEngine(dir), lock);
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
    return run<T>(this.#db, sql, params);
  }

  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
    return this.#db.transaction((tx) => fn(txClient(tx)));
  }

  async close(): Promise<void> {
    try {
      await stopEngine(this.#db);
    } finally {
      await this.#lock.release();
    }
  }
}
