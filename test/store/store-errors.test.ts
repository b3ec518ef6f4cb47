import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { StoreError, storeError, storeOutage, storeUnavailable } from '../../src/store/store-errors.js';
import { ErrnoError, diskFull } from './pglite-throws.js';

const withCode = (message: string, code: string): Error => Object.assign(new Error(message), { code });

describe('storeError', () => {
  test('an unreachable or closed database is TF_STORE_UNAVAILABLE, retriable, 503', () => {
    const causes = [
      withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'),
      withCode('terminating connection due to administrator command', '57P01'),
      withCode('the database system is starting up', '57P03'),
      withCode('connection failure', '08006'),
      withCode('sorry, too many clients already', '53300'),
      new Error('PGlite is closed'),
      new Error('Connection terminated unexpectedly'),
    ];
    for (const cause of causes) {
      const err = storeError('reading candles', cause);
      assert.equal(err.code, 'TF_STORE_UNAVAILABLE', cause.message);
      assert.equal(err.retriable, true);
      assert.equal(err.statusCode, 503);
      assert.equal(err.cause, cause);
      assert.match(err.message, /reading candles/);
    }
  });

  test('a failed statement is TF_STORE_QUERY with its SQLSTATE; only class 40 is retriable', () => {
    const check = storeError('committing', withCode('new row violates check constraint "x"', '23514'));
    assert.equal(check.code, 'TF_STORE_QUERY');
    assert.equal(check.retriable, false);
    assert.equal(check.statusCode, 500);
    assert.match(check.message, /^committing failed: new row violates check constraint "x" \(23514\)$/);
    assert.equal(storeError('committing', withCode('could not serialize access', '40001')).retriable, true);
    assert.equal(storeError('committing', withCode('deadlock detected', '40P01')).retriable, true);
    assert.equal(storeError('committing', 'a thrown string').code, 'TF_STORE_QUERY');
  });

  test('a full disk is TF_STORE_NO_SPACE, retriable, 503, naming ENOSPC or disk_full', () => {
    const start = storeError('opening the store', new ErrnoError(51));
    assert.equal(start.code, 'TF_STORE_NO_SPACE');
    assert.equal(start.retriable, true);
    assert.equal(start.statusCode, 503);
    assert.equal(
      start.message,
      "store out of space: opening the store: ENOSPC: no space left on device (errno 51 in PGlite's file system); " +
        "free space on the file system of the store's directory",
    );
    const commit = storeError('committing', diskFull());
    assert.equal(commit.code, 'TF_STORE_NO_SPACE');
    assert.match(commit.message, /No space left on device \(53100\); hint: Check free disk space\./);
    assert.equal(
      storeOutage('starting', new Error('wrapped', { cause: new ErrnoError(51) })).code,
      'TF_STORE_NO_SPACE',
    );
    assert.equal(storeOutage('starting', new ErrnoError(33)).code, 'TF_STORE_UNAVAILABLE');
  });

  test('a failure that is not an Error is described, never [object Object]', () => {
    const err = storeError('opening the store', new ErrnoError(54));
    assert.equal(
      err.message,
      "opening the store failed: ENOTDIR: not a directory (errno 54 in PGlite's file system)",
    );
    assert.doesNotMatch(storeError('committing', { odd: true }).message, /object Object/);
  });

  test('a StoreError passes through unchanged', () => {
    const original = storeUnavailable('the store is closed');
    assert.equal(storeError('anything', original), original);
    assert.ok(original instanceof StoreError);
  });
});
