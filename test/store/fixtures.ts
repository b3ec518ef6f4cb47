import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import type { Candle } from '../../src/domain/candle.js';
import { isTickflowError } from '../../src/errors.js';
import { type Logger, silentLogger } from '../../src/logger.js';
import { PgliteClient } from '../../src/store/pglite-client.js';
import type { SqlClient } from '../../src/store/sql-client.js';
import { SqlStore } from '../../src/store/sql-store.js';
import type { CommitBatch, Store } from '../../src/store/store.js';
import { type CandleFields, candle as sharedCandle, T0 } from '../support/fixtures.js';

export { alert, MIN, T0 } from '../support/fixtures.js';

/** The shared candle, with no volume and no vwap unless `fields` give them. */
export const candle = (fields: CandleFields): Candle => sharedCandle({ volume: null, vwap: null, ...fields });

export const batch = (fields: Partial<CommitBatch>): CommitBatch => ({
  group: 'tickflow-processor',
  fence: null,
  checkpoints: [],
  candles: [],
  alerts: [],
  ...fields,
});

export interface TestDb {
  readonly dir: string;
  readonly store: SqlStore;
  /** The client the store uses, for counting rows behind the store's back. */
  readonly client: SqlClient;
  count(table: string): Promise<number>;
  /** Rows of a table with a crypto_id that belong to `symbol`. */
  countOf(table: string, symbol: string): Promise<number>;
  /** Pending outbox entries of `symbol`. */
  pendingOf(symbol: string): Promise<number>;
  dispose(): Promise<void>;
}

export const tempDir = (): Promise<string> => mkdtemp(join(tmpdir(), 'tickflow-store-'));

/** A TestDb over a started store and the client it uses; `cleanUp` runs after the store has closed. */
export function testDbOver(
  dir: string,
  store: SqlStore,
  client: SqlClient,
  cleanUp: () => Promise<void>,
): TestDb {
  return {
    dir,
    store,
    client,
    count: async (table) => {
      const rows = await client.query<{ n: number }>(`SELECT count(*)::integer AS n FROM ${table}`);
      return rows[0]?.n ?? -1;
    },
    countOf: async (table, symbol) => {
      const rows = await client.query<{ n: number }>(
        `SELECT count(*)::integer AS n FROM ${table} t JOIN cryptocurrencies c ON c.id = t.crypto_id
         WHERE c.symbol = $1`,
        [symbol],
      );
      return rows[0]?.n ?? -1;
    },
    pendingOf: async (symbol) =>
      (await store.pendingOutbox(100_000)).filter((e) => e.alert.symbol === symbol).length,
    dispose: async () => {
      await store.close();
      await cleanUp();
    },
  };
}

/** A started SqlStore on a real PGlite in a fresh temp dir. */
export async function openTestDb(dir?: string, logger: Logger = silentLogger()): Promise<TestDb> {
  const path = dir ?? (await tempDir());
  const client = await PgliteClient.open(path, logger);
  const store = new SqlStore({ kind: 'pglite', logger, connect: () => Promise.resolve(client) });
  await store.start();
  return testDbOver(path, store, client, async () => {
    if (dir === undefined) await rm(path, { recursive: true, force: true });
  });
}

/** A logger that keeps its records, to see what the store reports. */
export function recordingLogger(): { logger: Logger; records: Record<string, unknown>[] } {
  const records: Record<string, unknown>[] = [];
  const write = (line: string): void => {
    records.push(JSON.parse(line) as Record<string, unknown>);
  };
  return { logger: pino({ level: 'info' }, { write }), records };
}

/** An assert.rejects validator for TF_STORE_UNAVAILABLE. */
export const isUnavailable = (err: unknown): boolean => {
  assert.ok(isTickflowError(err), `a TickflowError, got ${String(err)}`);
  assert.equal(err.code, 'TF_STORE_UNAVAILABLE');
  assert.equal(err.retriable, true);
  assert.equal(err.statusCode, 503);
  return true;
};

/** Calls every Store method but start and close, once each. */
export const everyMethod = (store: Store): Record<string, () => Promise<unknown>> => ({
  registerSymbols: () => store.registerSymbols([{ symbol: 'BTC', coingeckoId: 'bitcoin' }]),
  claimPartitions: () => store.claimPartitions('g', 'member', [0]),
  loadCheckpoints: () => store.loadCheckpoints('g', [0]),
  commit: () => store.commit(batch({ candles: [candle({ symbol: 'BTC', windowStart: T0 })] })),
  emptyCommit: () => store.commit(batch({})),
  candles: () => store.candles({ symbol: 'BTC', interval: '1m', limit: 10 }),
  alerts: () => store.alerts({ symbol: 'BTC', limit: 10 }),
  symbols: () => store.symbols(),
  pendingOutbox: () => store.pendingOutbox(10),
  claimOutbox: () => store.claimOutbox('relay', 10, 1_000),
  markPublished: () => store.markPublished([1]),
  health: () => store.health(),
});
