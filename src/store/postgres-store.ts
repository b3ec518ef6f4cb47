import { ConfigError } from '../errors.js';
import type { Logger } from '../logger.js';
import { PgClient } from './pg-client.js';
import { parsePostgresUrl } from './postgres-url.js';
import { SqlStore } from './sql-store.js';

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:5432/database`; the password is never logged. */
  readonly url: string;
  readonly logger: Logger;
  /** The most connections this process opens. */
  readonly poolSize?: number;
  /** How long one statement may run before the server cancels it. */
  readonly statementTimeoutMs?: number;
}

export const POSTGRES_DEFAULTS = {
  poolSize: 10,
  statementTimeoutMs: 10_000,
  /** A transaction's statements follow each other at once; a session idle inside one is a stalled process. */
  idleInTransactionTimeoutMs: 60_000,
  connectionTimeoutMs: 5_000,
} as const;

const positiveInteger = (name: string, value: number, max: number): number => {
  if (Number.isInteger(value) && value >= 1 && value <= max) return value;
  throw new ConfigError([`PostgreSQL ${name}: must be an integer from 1 to ${max}, got ${value}`]);
};

/**
 * The production store: PostgreSQL 15+ (price_candles a TimescaleDB hypertable where the extension is
 * installed), through a bounded node-postgres pool, running the same SQL as the embedded PGlite store.
 * A bad URL or setting throws TF_CONFIG_INVALID here, before anything connects.
 */
export function createPostgresStore(options: PostgresStoreOptions): SqlStore {
  const target = parsePostgresUrl(options.url);
  const poolSize = positiveInteger('pool size', options.poolSize ?? POSTGRES_DEFAULTS.poolSize, 1000);
  const statementTimeoutMs = positiveInteger(
    'statement timeout (ms)',
    options.statementTimeoutMs ?? POSTGRES_DEFAULTS.statementTimeoutMs,
    2_147_483_647,
  );
  const { logger } = options;
  return new SqlStore({
    kind: 'postgres',
    logger,
    connect: () => {
      logger.info(
        { store: 'postgres', server: target.server, poolSize, statementTimeoutMs },
        'connecting to PostgreSQL',
      );
      return Promise.resolve(
        new PgClient({
          ...target,
          logger,
          poolSize,
          statementTimeoutMs,
          idleInTransactionTimeoutMs: POSTGRES_DEFAULTS.idleInTransactionTimeoutMs,
          connectionTimeoutMs: POSTGRES_DEFAULTS.connectionTimeoutMs,
        }),
      );
    },
  });
}
