import pg from 'pg';
import type { Logger } from '../logger.js';
import { describeFailure, sqlStateOf } from './failure-description.js';
import type { SqlClient } from './sql-client.js';
import { storePoolConnections, storePoolMax } from '../metrics/metrics.js';
import { addSampler } from '../metrics/scrape.js';
import { storeOutage } from './store-errors.js';

export interface PgClientOptions {
  readonly connectionString: string;
  /** host:port/database, for messages and logs; never the password. */
  readonly server: string;
  readonly logger: Logger;
  /** The most connections the pool opens. */
  readonly poolSize: number;
  /** How long a statement may run before the server cancels it (SQLSTATE 57014). */
  readonly statementTimeoutMs: number;
  /** How long a session may sit idle inside a transaction before the server ends it (25P03). */
  readonly idleInTransactionTimeoutMs: number;
  /** How long to wait for a connection: a new one to open, or a busy pool to free one. */
  readonly connectionTimeoutMs: number;
}

/** What a failed statement's session can be trusted with: a plain SQL error leaves it usable, anything else not. */
const leavesSessionUsable = (err: unknown): boolean => {
  if (sqlStateOf(err) === undefined) return false;
  const severity = (err as { severity?: unknown }).severity;
  return severity !== 'FATAL' && severity !== 'PANIC';
};

/**
 * node-postgres as a SqlClient: a bounded pool, every session with a statement timeout and an
 * idle-in-transaction timeout set when it connects, so a stuck query or a stalled process never holds a
 * connection (or the locks it took) for long.
 *
 * A connection that cannot be had (the server is down, unreachable, or the pool stays busy past the
 * connection timeout) is a TF_STORE_UNAVAILABLE outage naming the server. A connection is never handed out
 * again after it failed in a way that can leave it broken: a transaction's connection goes back to the
 * pool only if its ROLLBACK succeeded. Connections that fail while idle in the pool are dropped by the
 * pool and logged once per run of failures, never left as an unhandled 'error' event.
 */
export class PgClient implements SqlClient {
  readonly #pool: pg.Pool;
  readonly #options: PgClientOptions;
  readonly #stopSampling: () => void;
  #idleFailureLogged = false;

  constructor(options: PgClientOptions) {
    this.#options = options;
    this.#pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.poolSize,
      connectionTimeoutMillis: options.connectionTimeoutMs,
      statement_timeout: options.statementTimeoutMs,
      idle_in_transaction_session_timeout: options.idleInTransactionTimeoutMs,
      application_name: 'tickflow',
      keepAlive: true,
    });
    this.#pool.on('error', (err) => {
      if (this.#idleFailureLogged) return;
      this.#idleFailureLogged = true;
      options.logger.warn(
        { store: 'postgres', server: options.server, reason: describeFailure(err) },
        'an idle PostgreSQL connection failed; the pool dropped it',
      );
    });
    storePoolMax.set(options.poolSize);
    this.#stopSampling = addSampler(() => {
      storePoolConnections.set({ state: 'total' }, this.#pool.totalCount);
      storePoolConnections.set({ state: 'idle' }, this.#pool.idleCount);
      storePoolConnections.set({ state: 'waiting' }, this.#pool.waitingCount);
    });
  }

  async query<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    const client = await this.#connect();
    let usable = true;
    try {
      return (await client.query(sql, [...params])).rows as T[];
    } catch (err) {
      usable = leavesSessionUsable(err);
      throw err;
    } finally {
      this.#release(client, usable);
    }
  }

  async transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
    const client = await this.#connect();
    let usable = false;
    let open = true;
    const tx: SqlClient = {
      query: async <R>(sql: string, params: readonly unknown[] = []) => {
        if (!open) throw new Error('the transaction has ended');
        return (await client.query(sql, [...params])).rows as R[];
      },
      transaction: () => Promise.reject(new Error('nested transactions are not supported')),
      close: () => Promise.reject(new Error('cannot close the database from inside a transaction')),
    };
    try {
      await client.query('BEGIN');
      const result = await fn(tx);
      await client.query('COMMIT');
      usable = true;
      return result;
    } catch (err) {
      usable = await client.query('ROLLBACK').then(
        () => true,
        () => false,
      );
      throw err;
    } finally {
      open = false;
      this.#release(client, usable);
    }
  }

  async close(): Promise<void> {
    this.#stopSampling();
    await this.#pool.end();
  }

  async #connect(): Promise<pg.PoolClient> {
    let client: pg.PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (err) {
      // The server refused with a SQLSTATE (bad password, no such database, starting up): storeError
      // classifies those. Anything else means no connection could be had at all.
      if (sqlStateOf(err) !== undefined) throw err;
      throw storeOutage(`cannot connect to PostgreSQL at ${this.#options.server}: ${this.#why(err)}`, err);
    }
    this.#idleFailureLogged = false;
    // The failing statement rejects with the error too; without a listener the event would end the process.
    client.on('error', ignore);
    return client;
  }

  #why(err: unknown): string {
    const busy = this.#pool.totalCount >= this.#options.poolSize;
    const reason = describeFailure(err);
    return busy && /timeout exceeded/.test(reason)
      ? `all ${this.#options.poolSize} pool connections stayed busy for ${this.#options.connectionTimeoutMs} ms`
      : reason;
  }

  #release(client: pg.PoolClient, usable: boolean): void {
    client.removeListener('error', ignore);
    client.release(usable ? undefined : true);
  }
}

const ignore = (): void => undefined;
