import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { timescale } from '../../../src/store/migrations/002-timescale.js';
import { timescalePolicy } from '../../../src/store/migrations/004-timescale-policy.js';
import { errorMessage } from '../../../src/errors.js';
import { sqlStateOf } from '../../../src/store/failure-description.js';
import { cannotStart } from '../../support/services.js';
import type { TestDb } from '../fixtures.js';
import { openPostgresTestDb } from '../store-backends.js';

// This machine's PostgreSQL has no TimescaleDB, so the hypertable branch cannot run here. What can be
// checked: that the branch is skipped and the table stays plain, and that every TimescaleDB statement in
// it is valid SQL that fails only for want of the extension (so the branch has no syntax error waiting).
const UNDEFINED_FUNCTION = '42883';
const INVALID_PARAMETER = '22023'; // ALTER TABLE … SET (timescaledb.…): an unknown option namespace

/** The TimescaleDB statements of migrations 2 and 4, as they run inside the guarded branch. */
function timescaleStatements(): string[] {
  const [hypertable] = timescale.statements;
  const [policy] = timescalePolicy.statements;
  const perform = /PERFORM (create_hypertable\([^;]*\));/s.exec(hypertable ?? '')?.[1];
  const executed = [...(policy ?? '').matchAll(/\$q\$(.*?)\$q\$/gs)].map((m) => m[1] ?? '');
  assert.ok(perform !== undefined && executed.length === 3, 'the statements were found');
  return [`SELECT ${perform}`, ...executed];
}

describe('migrations 2 and 4 on PostgreSQL without TimescaleDB', { skip: cannotStart(['postgres']) }, () => {
  let db: TestDb;
  before(async () => (db = await openPostgresTestDb()));
  after(() => db.dispose());

  test('on plain PostgreSQL price_candles stays a plain table with its primary key', async () => {
    const rows = await db.client.query<{ relkind: string }>(
      `SELECT relkind FROM pg_class WHERE relname = 'price_candles'`,
    );
    assert.deepEqual(rows, [{ relkind: 'r' }]);
    const keys = await db.client.query<{ def: string }>(
      `SELECT pg_get_indexdef(indexrelid) AS def FROM pg_index WHERE indrelid = 'price_candles'::regclass AND indisprimary`,
    );
    assert.match(keys[0]?.def ?? '', /\(crypto_id, "interval", window_start\)/);
  });

  test('the hypertable branch’s statements parse, and fail only because TimescaleDB is absent', async () => {
    for (const sql of timescaleStatements()) {
      const err = await db.client.query(sql).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(err !== undefined, `${sql} cannot succeed without TimescaleDB`);
      const state = sqlStateOf(err) ?? sqlStateOf((err as { cause?: unknown }).cause);
      assert.ok(
        state === UNDEFINED_FUNCTION || state === INVALID_PARAMETER,
        `${sql.trim()} failed with SQLSTATE ${state} (${errorMessage(err)}), not for want of the extension`,
      );
    }
  });
});
