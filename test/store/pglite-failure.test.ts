import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LeftoverTransaction, RollbackFailure, isEngineBroken } from '../../src/store/pglite-failure.js';
import {
  ErrnoError,
  ExitStatus,
  TransactionAbortedError,
  databaseError,
  diskFull,
  fileExists,
} from './pglite-throws.js';

test('an engine is broken by its resources failing or by anything that is not an SQL error', () => {
  const broken: [string, unknown][] = [
    ['a file left behind (58P02)', fileExists()],
    ['a full disk (53100)', diskFull()],
    ['out of memory (53200)', databaseError('out of memory', { code: '53200' })],
    ['an I/O error (58030)', databaseError('could not read block 0', { code: '58030' })],
    ['an internal error (XX000)', databaseError('cache lookup failed', { code: 'XX000' })],
    ["the file system's ErrnoError", new ErrnoError(33)],
    ['the runtime exiting', new ExitStatus(1)],
    ['a runtime error', new Error('Aborted(). Build with -sASSERTIONS for more info.')],
    ['a failed rollback', new RollbackFailure(fileExists(), new ErrnoError(33))],
    ['a leftover transaction', new LeftoverTransaction('1234')],
  ];
  for (const [what, err] of broken) assert.equal(isEngineBroken(err), true, what);
});

test('ordinary SQL errors, corruption and a closed PGlite do not break the engine', () => {
  const ordinary: [string, unknown][] = [
    ['a check constraint (23514)', databaseError('violates check constraint', { code: '23514' })],
    ['a syntax error (42601)', databaseError('syntax error at or near "x"', { code: '42601' })],
    ['an aborted transaction (25P02)', new TransactionAbortedError()],
    [
      'data corruption (XX001), which a restart does not cure',
      databaseError('invalid page', { code: 'XX001' }),
    ],
    ['PGlite closed', new Error('PGlite is closed')],
    ['PGlite closing', new Error('PGlite is closing')],
  ];
  for (const [what, err] of ordinary) assert.equal(isEngineBroken(err), false, what);
});
