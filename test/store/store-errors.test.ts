import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { StoreError, storeError, storeUnavailable } from '../../src/store/store-errors.js';

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

  test('a StoreError passes through unchanged', () => {
    const original = storeUnavailable('the store is closed');
    assert.equal(storeError('anything', original), original);
    assert.ok(original instanceof StoreError);
  });
});
