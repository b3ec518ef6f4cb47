import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pino } from 'pino';
import { DirLock, type DirLockOptions } from '../../src/io/dir-lock.js';
import { silentLogger } from '../../src/logger.js';

class LockedError extends Error {
  constructor(
    readonly path: string,
    readonly ownerPid: number | null,
  ) {
    super(`locked by ${ownerPid}`);
  }
}

class IoError extends Error {}

const OPTIONS: DirLockOptions = {
  fileName: 'TEST.lock',
  label: 'test',
  lockedError: (path, ownerPid) => new LockedError(path, ownerPid),
  ioError: (message, cause) => new IoError(message, { cause }),
};

/** The pid of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', ''], { stdio: 'ignore' });
  assert.ok(child.pid > 0);
  return child.pid;
}

const owner = async (path: string): Promise<string> => (await readFile(path, 'utf8')).trim();

describe('DirLock', () => {
  let root: string;
  let n = 0;
  /** A fresh directory for one test. */
  const dir = async (): Promise<string> => {
    const path = join(root, String(n++));
    await mkdir(path);
    return path;
  };
  before(async () => (root = await mkdtemp(join(tmpdir(), 'tickflow-lock-'))));
  after(() => rm(root, { recursive: true, force: true }));

  test('holds the lock file with our pid; a second acquire in this process is refused until release', async () => {
    const path = await dir();
    const file = join(path, 'TEST.lock');
    const first = await DirLock.acquire(path, OPTIONS, silentLogger());
    assert.equal(first.path, file);
    assert.equal(await owner(file), String(process.pid));
    const err = await DirLock.acquire(path, OPTIONS, silentLogger()).catch((e: unknown) => e);
    assert.ok(err instanceof LockedError);
    assert.equal(err.path, file);
    assert.equal(err.ownerPid, process.pid);
    await first.release();
    await assert.rejects(stat(file), { code: 'ENOENT' });
    await first.release(); // a second release does nothing
    const again = await DirLock.acquire(path, OPTIONS, silentLogger());
    assert.equal(await owner(file), String(process.pid));
    await again.release();
  });

  test('a lock held by another live process is refused with its pid and left alone', async () => {
    const path = await dir();
    const file = join(path, 'TEST.lock');
    await writeFile(file, `${process.ppid}\n`);
    const err = await DirLock.acquire(path, OPTIONS, silentLogger()).catch((e: unknown) => e);
    assert.ok(err instanceof LockedError);
    assert.equal(err.ownerPid, process.ppid);
    assert.equal(await owner(file), String(process.ppid));
  });

  test('a lock left by a process that is gone is taken over, with a warning naming the label', async () => {
    const path = await dir();
    const gone = deadPid();
    await writeFile(join(path, 'TEST.lock'), `${gone}\n`);
    const lines: { msg: string; stalePid?: number }[] = [];
    const logger = pino({ level: 'warn' }, { write: (s: string) => lines.push(JSON.parse(s) as never) });
    const lock = await DirLock.acquire(path, OPTIONS, logger);
    assert.equal(await owner(lock.path), String(process.pid));
    assert.deepEqual(
      lines.map((l) => [l.msg, l.stalePid]),
      [['test: taking over a lock left by a process that is gone', gone]],
    );
    await lock.release();
  });

  test('a damaged lock file (no pid, as a crash during creation could leave) is taken over', async () => {
    const path = await dir();
    await writeFile(join(path, 'TEST.lock'), '');
    const lock = await DirLock.acquire(path, OPTIONS, silentLogger());
    assert.equal(await owner(lock.path), String(process.pid));
    await lock.release();
  });

  test('release leaves a lock file that is no longer ours', async () => {
    const path = await dir();
    const lock = await DirLock.acquire(path, OPTIONS, silentLogger());
    await writeFile(lock.path, `${process.ppid}\n`);
    await lock.release();
    assert.equal(await owner(lock.path), String(process.ppid));
  });

  test('a file-system failure goes through ioError, or is thrown as is without it', async () => {
    const missing = join(root, 'no-such-dir');
    const wrapped = await DirLock.acquire(missing, OPTIONS, silentLogger()).catch((e: unknown) => e);
    assert.ok(wrapped instanceof IoError);
    assert.match(wrapped.message, /cannot create lock file .*TEST\.lock/);
    assert.equal((wrapped.cause as NodeJS.ErrnoException).code, 'ENOENT');
    const bare: DirLockOptions = {
      fileName: OPTIONS.fileName,
      label: OPTIONS.label,
      lockedError: OPTIONS.lockedError,
    };
    await assert.rejects(DirLock.acquire(missing, bare, silentLogger()), { code: 'ENOENT' });
  });
});
