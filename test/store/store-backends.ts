import { after, before, describe } from 'node:test';
import { type Logger, silentLogger } from '../../src/logger.js';
import { PgClient } from '../../src/store/pg-client.js';
import { parsePostgresUrl } from '../../src/store/postgres-url.js';
import { SqlStore } from '../../src/store/sql-store.js';
import { cannotStart, createTestDatabase, type PrivateServer, startPostgres } from '../support/services.js';
import { type TestDb, openTestDb, testDbOver } from './fixtures.js';

/**
 * The SqlStore behaviour tests run against each implementation, so PGlite and PostgreSQL are held to the
 * same expectations. One private PostgreSQL per test file (each file is its own process), started through
 * scripts/services.sh on first use and removed when the file's tests end.
 */

let server: Promise<PrivateServer> | undefined;

/** A fresh database on this file's PostgreSQL, with the Store the way createPostgresStore builds it. */
export async function openPostgresTestDb(logger: Logger = silentLogger()): Promise<TestDb> {
  server ??= startPostgres();
  const { url } = await createTestDatabase((await server).url);
  const client = new PgClient({
    ...parsePostgresUrl(url),
    logger,
    poolSize: 4,
    statementTimeoutMs: 30_000,
    idleInTransactionTimeoutMs: 30_000,
    connectionTimeoutMs: 5_000,
  });
  const store = new SqlStore({ kind: 'postgres', logger, connect: () => Promise.resolve(client) });
  await store.start();
  return testDbOver(url, store, client, () => Promise.resolve());
}

let postgresMissing: string | false | undefined;
/** False when this file can start its PostgreSQL, else why not; asked once, so a skip is announced once. */
const cannotStartPostgres = (): string | false => (postgresMissing ??= cannotStart(['postgres']));

const STORE_BACKENDS = [
  { name: 'pglite', open: () => openTestDb(), skip: (): string | false => false },
  { name: 'postgres', open: () => openPostgresTestDb(), skip: cannotStartPostgres },
] as const;

/** One database per backend per file, opened for the first suite that needs it and kept for the rest. */
const opened = new Map<string, Promise<TestDb>>();

// At the top level: after the file's last test, the databases close before their server stops.
after(async () => {
  for (const db of opened.values()) await (await db).dispose();
  await (await server)?.close();
});

/**
 * `describe`, once per store implementation. `body` gets that implementation's TestDb, filled in before
 * the suite's tests run; suites of one file share it, as they would share one database.
 */
export function describeEachStore(name: string, body: (db: TestDb) => void): void {
  for (const backend of STORE_BACKENDS) {
    const db = {} as TestDb;
    describe(`${name} (${backend.name})`, { skip: backend.skip() }, () => {
      before(async () => {
        let open = opened.get(backend.name);
        if (open === undefined) {
          open = backend.open();
          opened.set(backend.name, open);
        }
        Object.assign(db, await open);
      });
      body(db);
    });
  }
}
