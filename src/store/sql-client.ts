/**
 * The little the store needs from a PostgreSQL driver. PGlite implements it (src/store/pglite-client.ts) and
 * node-postgres will, so both run the same SQL. Each call sends one statement with `$n` parameters.
 */
export interface SqlClient {
  /** Runs one statement and returns its rows. Arrays are passed as PostgreSQL arrays. */
  query<T>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /**
   * Runs `fn` in one transaction: committed when it resolves, rolled back when it rejects. Statements on
   * `tx` are the only ones that run inside it.
   */
  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
