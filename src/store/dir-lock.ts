import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../logger.js';
import { StoreError } from './store-errors.js';

/** PGlite has no lock of its own: two processes on one data directory would corrupt it. */
export const LOCK_FILE = 'tickflow-store.lock';

/** Lock files this process holds, so a second open in the same process is refused too. */
const held = new Set<string>();

/**
 * An exclusive lock on the embedded store's directory: a file holding the owner's pid, created with
 * O_EXCL. A lock left by a process that is gone (kill -9, a crash) is taken over.
 */
export class DirLock {
  private constructor(readonly path: string) {}

  static async acquire(dir: string, logger: Logger): Promise<DirLock> {
    const path = join(dir, LOCK_FILE);
    if (held.has(path)) throw lockedError(path, process.pid);
    for (let attempt = 0; attempt < 3; attempt++) {
      if (await tryCreate(path)) {
        held.add(path);
        return new DirLock(path);
      }
      const owner = await readOwner(path);
      if (owner === 'gone') continue;
      if (owner !== null && owner !== process.pid && isAlive(owner)) throw lockedError(path, owner);
      logger.warn({ path, stalePid: owner }, 'store: taking over a lock left by a process that is gone');
      await rm(path, { force: true });
    }
    throw lockedError(path, null);
  }

  async release(): Promise<void> {
    if (!held.delete(this.path)) return;
    if ((await readOwner(this.path)) === process.pid) await rm(this.path, { force: true });
  }
}

async function tryCreate(path: string): Promise<boolean> {
  try {
    const file = await open(path, 'wx');
    try {
      await file.writeFile(`${process.pid}\n`, 'utf8');
      await file.sync();
    } finally {
      await file.close();
    }
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/** The pid in the lock file; null if it holds none (a damaged file), 'gone' if there is no file. */
async function readOwner(path: string): Promise<number | null | 'gone'> {
  try {
    const pid = Number((await readFile(path, 'utf8')).trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw err;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const lockedError = (path: string, owner: number | null): StoreError =>
  new StoreError(
    'TF_STORE_LOCKED',
    `store directory is in use by ${owner === null ? 'another process' : `process ${owner}`} (lock file ${path}); ` +
      'stop it, use another data directory, or use PostgreSQL to share the store between processes',
    { retriable: false },
  );
