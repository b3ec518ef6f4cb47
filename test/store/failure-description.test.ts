import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { describeFailure, errnoOf, isNoSpace, sqlStateOf } from '../../src/store/failure-description.js';
import { startEngine } from '../../src/store/pglite-engine.js';
import { tempDir } from './fixtures.js';
import { ErrnoError, ExitStatus, diskFull, fileExists } from './pglite-throws.js';

describe('describeFailure', () => {
  test("PGlite's file-system errors name their errno, not [object Object]", () => {
    assert.equal(
      describeFailure(new ErrnoError(51)),
      "ENOSPC: no space left on device (errno 51 in PGlite's file system)",
    );
    assert.equal(
      describeFailure(new ErrnoError(33)),
      "EMFILE: too many open files (errno 33 in PGlite's file system)",
    );
    assert.equal(describeFailure(new ErrnoError(999)), "unknown errno 999 in PGlite's file system");
    assert.equal(errnoOf(new ErrnoError(54)), 'ENOTDIR');
  });

  test('PostgreSQL errors give their SQLSTATE and hint', () => {
    assert.equal(
      describeFailure(diskFull()),
      'could not extend file "base/5/16384": No space left on device (53100); hint: Check free disk space.',
    );
    assert.equal(
      describeFailure(fileExists()),
      'could not create file "base/5/16410_fsm": File exists (58P02)',
    );
    assert.equal(sqlStateOf(fileExists()), '58P02');
    assert.equal(sqlStateOf(Object.assign(new Error('no severity'), { code: '58P02' })), undefined);
  });

  test('Node errors keep their message, which names the code once', async () => {
    const root = await tempDir();
    try {
      await writeFile(join(root, 'file'), 'x');
      const err = await readFile(join(root, 'file', 'inside')).catch((e: unknown) => e);
      assert.equal(errnoOf(err), 'ENOTDIR');
      assert.match(describeFailure(err), /^ENOTDIR: not a directory, open '.*inside'$/);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  test('the runtime exiting, empty errors, strings and bare objects are readable', () => {
    assert.equal(describeFailure(new ExitStatus(1)), 'the database engine exited with status 1');
    assert.equal(
      describeFailure(new Error('', { cause: new ErrnoError(33) })),
      "Error with no message, caused by EMFILE: too many open files (errno 33 in PGlite's file system)",
    );
    assert.equal(describeFailure(''), 'an empty error');
    assert.equal(describeFailure('PGlite is closed'), 'PGlite is closed');
    assert.equal(describeFailure({ reason: 'odd' }), "{ reason: 'odd' }");
    assert.equal(describeFailure({ message: 'has one' }), 'has one');
    assert.equal(describeFailure(null), 'null');
  });

  test('isNoSpace sees ENOSPC, EDQUOT and disk_full, also as a cause', () => {
    assert.ok(isNoSpace(new ErrnoError(51)));
    assert.ok(isNoSpace(new ErrnoError(19)));
    assert.ok(isNoSpace(diskFull()));
    assert.ok(
      isNoSpace(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })),
    );
    assert.ok(isNoSpace(new Error('wrapped', { cause: new ErrnoError(51) })));
    assert.ok(!isNoSpace(new ErrnoError(33)));
    assert.ok(!isNoSpace(fileExists()));
    assert.ok(!isNoSpace('ENOSPC'));
  });
});

test('a real PGlite failure (a data directory that is a regular file) is described by its errno', async () => {
  const root = await tempDir();
  try {
    const file = join(root, 'a-file');
    await writeFile(file, 'not a directory');
    const err = await startEngine(file).then(
      () => assert.fail('PGlite started on a regular file'),
      (e: unknown) => e,
    );
    assert.match(describeFailure(err), /^ENOTDIR: not a directory \(errno 54 in PGlite's file system\)/);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
