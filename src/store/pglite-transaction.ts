import type { PGlite, Transaction } from '@electric-sql/pglite';
import { LeftoverTransaction, RollbackFailure } from './pglite-failure.js';
import type { SqlClient } from './sql-client.js';

type Queryable = Pick<Transaction, 'query'>;

export const runQuery = async <T>(db: Queryable, sql: string, params: readonly unknown[]): Promise<T[]> =>
  (await db.query<T>(sql, [...params])).rows;

/**
 * The id of the transaction in progress, if it has written. Null as the first statement after BEGIN; set
 * only if BEGIN found a transaction already open (a rollback that failed), which COMMIT would make durable.
 */
const WRITTEN_XID = 'SELECT txid_current_if_assigned()::text AS xid';

/** Statements of a transaction, bound to PGlite's handle; what the engine throws is added to `fromEngine`. */
const txClient = (tx: Transaction, fromEngine: Set<unknown>): SqlClient => ({
  query: <T>(sql: string, params: readonly unknown[] = []) =>
    runQuery<T>(tx, sql, params).catch((err: unknown) => {
      fromEngine.add(err);
      throw err;
    }),
  transaction: () => Promise.reject(new Error('nested transactions are not supported')),
  close: () => Promise.reject(new Error('cannot close the database from inside a transaction')),
});

/**
 * Runs `fn` in one PGlite transaction. Failures of the engine (a statement, BEGIN, COMMIT) are added to
 * `fromEngine`, and `fn`'s own errors are not, so the caller can tell the two apart. A rollback that fails
 * throws RollbackFailure. A transaction that finds itself inside one left open throws LeftoverTransaction,
 * and its rollback discards both: no part of a failed transaction is ever committed by a later one.
 */
export async function runTransaction<T>(
  db: PGlite,
  fn: (tx: SqlClient) => Promise<T>,
  fromEngine: Set<unknown>,
): Promise<T> {
  let failure: { readonly error: unknown } | undefined;
  try {
    return await db.transaction(async (tx) => {
      try {
        const client = txClient(tx, fromEngine);
        const [open] = await client.query<{ xid: string | null }>(WRITTEN_XID);
        if (open !== undefined && open.xid !== null) {
          const leftover = new LeftoverTransaction(open.xid);
          fromEngine.add(leftover);
          throw leftover;
        }
        return await fn(client);
      } catch (err) {
        failure = { error: err };
        throw err;
      }
    });
  } catch (err) {
    if (failure !== undefined && err === failure.error) throw err;
    // BEGIN or COMMIT failed, or the rollback after `fn` did.
    const engineError = failure === undefined ? err : new RollbackFailure(failure.error, err);
    fromEngine.add(engineError);
    throw engineError;
  }
}
