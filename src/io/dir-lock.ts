import { link, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../logger.js';

/** What a directory's lock is called and which errors it raises: each owner (log, store) brings its own. */
export interface DirLockOptions {
  /** The lock file's name inside the directory, e.g. `LOCK`. */
  readonly fileName: string;
  /** Names the owner in log lines, e.g. `log` or `store`. */
  readonly label: string;
  /** The error for a directory in use: by the process `ownerPid`, or null when the lock file names none. */
  readonly lockedError: (path: string, ownerPid: number | null) => Error;
  /** Wraps a failure to create or read the lock file; without it the file system's error is thrown. */
  readonly ioError?: (message: string, cause: unknown) => Error;
}

/** Lock files this process holds, so a second open in the same process is refused too. */
const held = new Set<string>();

/**
 * An exclusive lock on a directory: a file holding the owner's pid. It is written to a temporary file and
 * hard-linked into place, which fails atomically if the lock exists, so no one ever sees a lock file
 * without its pid. A lock left by a process that is gone (kill -9, a crash, or an earlier life of this pid
 * in a container) is taken over, and so is a damaged one. The owner releases it on close.
 */
export class DirLock {
  private constructor(
    readonly path: string,
    private readonly options: DirLockOptions,
  ) {}

  static async acquire(dir: string, options: DirLockOptions, logger: Logger): Promise<DirLock> {
    const path = join(dir, options.fileName);
    if (held.has(path)) throw options.lockedError(path, process.pid);
    for (let attempt = 0; attempt < 3; attempt++) {
      if (await tryCreate(path, options)) {
        held.add(path);
        return new DirLock(path, options);
      }
      const owner = await readOwner(path, options);
      if (owner === 'gone') continue;
      if (owner !== null && owner !== process.pid && isAlive(owner)) throw options.lockedError(path, owner);
      logger.warn(
        { path, stalePid: owner },
        `${options.label}: taking over a lock left by a process that is gone`,
      );
      await rm(path, { force: true });
    }
    const owner = await readOwner(path, options);
    throw options.lockedError(path, owner === 'gone' ? null : owner);
  }

  /** Removes the lock file if it is still ours; a second call does nothing. */
  async release(): Promise<void> {
    if (!held.delete(this.path)) return;
    if ((await readOwner(this.path, this.options)) === process.pid) await rm(this.path, { force: true });
  }
}

const ioFailure = (options: DirLockOptions, message: string, err: unknown): unknown =>
  options.ioError === undefined ? err : options.ioError(message, err);

/** Creates the lock file, complete with our pid, in one atomic link; false if it exists. */
async function tryCreate(path: string, options: DirLockOptions): Promise<boolean> {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, `${process.pid}\n`, { encoding: 'utf8', flush: true });
    await link(temporary, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw ioFailure(options, `cannot create lock file ${path}`, err);
  } finally {
    await rm(temporary, { force: true });
  }
}

/** The pid in the lock file; null if it holds none (a damaged file), 'gone' if there is no file. */
async function readOwner(path: string, options: DirLockOptions): Promise<number | null | 'gone'> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw ioFailure(options, `cannot read lock file ${path}`, err);
  }
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
