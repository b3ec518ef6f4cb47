import type { Logger } from '../logger.js';
import { PgliteClient } from './pglite-client.js';
import { SqlStore } from './sql-store.js';
import type { Store } from './store.js';

/**
 * The embedded store: PGlite (PostgreSQL in WebAssembly) keeping its files in `dir`, created if needed.
 * One process at a time: a second one gets TF_STORE_LOCKED.
 */
export function createPgliteStore(dir: string, logger: Logger): Store {
  return new SqlStore({ kind: 'pglite', logger, connect: () => PgliteClient.open(dir, logger) });
}
