import type { Logger } from '../logger.js';
import type { Migration } from './migrations/index.js';
import type { SqlClient } from './sql-client.js';

/** Serialises migration runs of every process sharing a database ("tickflow" as an int). */
const MIGRATION_LOCK = 0x7469636b;

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version integer PRIMARY KEY,
  name text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
)`;
const LOCK = 'SELECT pg_advisory_xact_lock($1)';
const APPLIED = 'SELECT version FROM schema_migrations ORDER BY version';
const IS_APPLIED = 'SELECT 1 AS applied FROM schema_migrations WHERE version = $1';
const RECORD = 'INSERT INTO schema_migrations (version, name) VALUES ($1, $2)';

async function appliedVersions(client: SqlClient): Promise<Set<number>> {
  const rows = await client.transaction(async (tx) => {
    await tx.query(LOCK, [MIGRATION_LOCK]);
    await tx.query(CREATE_TABLE);
    return tx.query<{ version: number }>(APPLIED);
  });
  return new Set(rows.map((r) => r.version));
}

/** Applies one migration in its own transaction, unless another process applied it meanwhile. */
function apply(client: SqlClient, migration: Migration): Promise<boolean> {
  return client.transaction(async (tx) => {
    await tx.query(LOCK, [MIGRATION_LOCK]);
    if ((await tx.query(IS_APPLIED, [migration.version])).length > 0) return false;
    for (const statement of migration.statements) await tx.query(statement);
    await tx.query(RECORD, [migration.version, migration.name]);
    return true;
  });
}

/**
 * Brings the schema up to date: every migration not yet recorded in `schema_migrations` runs, in version
 * order, each in its own transaction. Running it again, or from several processes at once, is harmless.
 * Returns the versions it applied.
 */
export async function migrate(
  client: SqlClient,
  migrations: readonly Migration[],
  logger: Logger,
): Promise<number[]> {
  const done = await appliedVersions(client);
  const applied: number[] = [];
  for (const migration of migrations) {
    if (done.has(migration.version)) continue;
    if (await apply(client, migration)) {
      applied.push(migration.version);
      logger.info({ version: migration.version, migration: migration.name }, 'store migration applied');
    }
  }
  const known = new Set(migrations.map((m) => m.version));
  const unknown = [...done].filter((v) => !known.has(v));
  if (unknown.length > 0) {
    logger.warn(
      { versions: unknown },
      'store schema has migrations this version does not know (a newer tickflow?)',
    );
  }
  return applied;
}
