import assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { silentLogger } from '../../src/logger.js';
import { createPgliteStore } from '../../src/store/pglite-store.js';
import { CANDLES_PER_BATCH, CRASH_GROUP, commitUntilKilled } from './crash-child.js';
import {
  MIN,
  T0,
  alert,
  batch,
  candle,
  everyMethod,
  isUnavailable,
  openTestDb,
  recordingLogger,
  tempDir,
} from './fixtures.js';

const startedRecord = (records: readonly Record<string, unknown>[]) =>
  records.find((r) => r['msg'] === 'store started');

/** One data directory for the file: creating one (initdb) costs seconds, reopening it a fraction. */
describe('PGlite store', () => {
  let root: string;
  let dir: string;
  before(async () => {
    root = await tempDir();
    dir = join(root, 'store');
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  test('migrations run once: a second start on the same directory applies none', async (t) => {
    const first = recordingLogger();
    let started = performance.now();
    const store = createPgliteStore(dir, first.logger);
    await store.start();
    t.diagnostic(
      `PGlite startup, new directory (initdb + migrations): ${Math.round(performance.now() - started)} ms`,
    );
    assert.equal(store.kind, 'pglite');
    assert.deepEqual(startedRecord(first.records)?.['migrationsApplied'], [1, 2, 3, 4, 5]);
    await store.close();

    const second = recordingLogger();
    started = performance.now();
    const again = createPgliteStore(dir, second.logger);
    await again.start();
    t.diagnostic(`PGlite startup, existing directory: ${Math.round(performance.now() - started)} ms`);
    assert.deepEqual(startedRecord(second.records)?.['migrationsApplied'], []);
    await again.close();

    const db = await openTestDb(dir);
    const tables = await db.client.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
    );
    const names = [
      'alert_outbox',
      'cryptocurrencies',
      'partition_owners',
      'price_alerts',
      'price_candles',
      'processor_checkpoints',
    ];
    assert.deepEqual(
      tables.map((r) => r.table_name),
      [...names, 'schema_migrations'],
    );
    assert.equal(await db.count('schema_migrations'), 5);
    await db.dispose();
  });

  test('data survives close and reopen', async () => {
    const c = candle({ symbol: 'KEEP', windowStart: T0 + 123 });
    const a = alert({ symbol: 'KEEP', ts: T0 + MIN + 7 });
    const checkpoints = [{ partition: 2, nextOffset: 77n, state: 'st' }];
    const store = createPgliteStore(dir, silentLogger());
    await store.start();
    await store.registerSymbols([{ symbol: 'KEEP', coingeckoId: 'keep-coin' }]);
    await store.commit(batch({ group: 'g-keep', candles: [c], alerts: [a], checkpoints }));
    await store.close();

    const reopened = createPgliteStore(dir, silentLogger());
    await reopened.start();
    assert.deepEqual(await reopened.candles({ symbol: 'KEEP', interval: '1m', limit: 10 }), [c]);
    assert.deepEqual(await reopened.alerts({ symbol: 'KEEP', limit: 10 }), [a]);
    assert.deepEqual(
      (await reopened.pendingOutbox(100)).map((e) => e.alert),
      [a],
    );
    assert.deepEqual(await reopened.loadCheckpoints('g-keep', [2]), new Map([[2, checkpoints[0]]]));
    assert.equal((await reopened.symbols()).find((s) => s.symbol === 'KEEP')?.coingeckoId, 'keep-coin');
    await reopened.close();
  });

  test('a second store on the same directory is refused with TF_STORE_LOCKED', async () => {
    const store = createPgliteStore(dir, silentLogger());
    await store.start();
    const second = createPgliteStore(dir, silentLogger());
    await assert.rejects(second.start(), { code: 'TF_STORE_LOCKED', statusCode: 503 });
    await second.close();
    await store.close();
  });

  test('close lets a running commit finish, then every method rejects with TF_STORE_UNAVAILABLE', async () => {
    const store = createPgliteStore(dir, silentLogger());
    await store.start();
    await store.health();
    const candles = Array.from({ length: 500 }, (_, i) =>
      candle({ symbol: 'LAST', windowStart: T0 + i * MIN }),
    );
    const committing = store.commit(batch({ candles }));
    await store.close();
    await committing;
    for (const [name, call] of Object.entries(everyMethod(store))) {
      await assert.rejects(call(), isUnavailable, name);
    }
    await assert.rejects(store.start(), isUnavailable);
    await store.close();

    const reopened = createPgliteStore(dir, silentLogger());
    await reopened.start();
    assert.equal((await reopened.candles({ symbol: 'LAST', interval: '1m', limit: 1000 })).length, 500);
    await reopened.close();
  });

  test('a database that goes away under the store gives TF_STORE_UNAVAILABLE, logged once', async () => {
    const { logger, records } = recordingLogger();
    const db = await openTestDb(dir, logger);
    await db.client.close();
    await assert.rejects(db.store.health(), isUnavailable);
    await assert.rejects(db.store.candles({ symbol: 'BTC', interval: '1m', limit: 1 }), isUnavailable);
    await assert.rejects(
      db.store.commit(batch({ candles: [candle({ symbol: 'BTC', windowStart: T0 })] })),
      isUnavailable,
    );
    assert.equal(records.filter((r) => r['msg'] === 'store unreachable').length, 1);
    await db.dispose();
  });

  test('kill -9 during commits loses no acknowledged commit and leaves no partial one', async () => {
    const acknowledged = await commitUntilKilled(dir, 8);
    const store = createPgliteStore(dir, silentLogger());
    await store.start();
    const offset = Number((await store.loadCheckpoints(CRASH_GROUP, [0])).get(0)?.nextOffset ?? 0n);
    const candles = await store.candles({ symbol: 'CRASH', interval: '1m', limit: 100_000 });
    await store.close();
    assert.ok(
      offset >= acknowledged * CANDLES_PER_BATCH,
      `checkpoint ${offset} covers ${acknowledged} commits`,
    );
    assert.equal(offset % CANDLES_PER_BATCH, 0);
    assert.equal(candles.length, offset, 'exactly the candles of the committed batches');
  });
});

test('a store that is not started rejects every method with TF_STORE_UNAVAILABLE', async () => {
  const store = createPgliteStore('/nonexistent/never-started', silentLogger());
  for (const [name, call] of Object.entries(everyMethod(store))) {
    await assert.rejects(call(), isUnavailable, name);
  }
  await store.close();
});

test('a directory that cannot be used fails start with TF_STORE_UNAVAILABLE, naming it', async () => {
  const root = await tempDir();
  try {
    await writeFile(join(root, 'a-file'), 'not a directory');
    for (const dir of [join(root, 'a-file', 'store'), join(root, 'a-file')]) {
      const store = createPgliteStore(dir, silentLogger());
      await assert.rejects(store.start(), (err: unknown) => {
        assert.ok(isUnavailable(err) && err instanceof Error);
        assert.match(err.message, /^store unavailable: cannot open the PGlite database in /);
        assert.match(err.message, /: (ENOTDIR: not a directory|EEXIST: file already exists), mkdir '/);
        return true;
      });
      await store.close();
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('a data directory PGlite cannot fill fails start with its errno, not [object Object]', async () => {
  const root = await tempDir();
  try {
    await mkdir(join(root, 'store'));
    await writeFile(join(root, 'store', 'global'), 'where PostgreSQL wants a directory');
    const store = createPgliteStore(join(root, 'store'), silentLogger());
    await assert.rejects(store.start(), (err: unknown) => {
      assert.ok(isUnavailable(err) && err instanceof Error);
      assert.doesNotMatch(err.message, /object Object/);
      assert.match(
        err.message,
        /^store unavailable: cannot open the PGlite database in .*store: ENOTDIR: not a directory \(errno 54 in PGlite's file system\)/,
      );
      return true;
    });
    await store.close();
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
