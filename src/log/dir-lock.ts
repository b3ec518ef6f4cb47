import { link, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../logger.js';
import { LogError } from './log-errors.js';

export const LOCK_FILE = 'LOCK';

/** Lock files this process holds, so a second open in the same process is refused too. */
const held = new Set<string>();

/**
 * An exclusive lock on a log directory: a file holding the owner's pid. A lock left by a process that is
 * gone (kill -9, a crash, or an earlier life of this pid in a container) is taken over.
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
      logger.warn({ path, stalePid: owner }, 'log: taking over a lock left by a process that is gone');
      await rm(path, { force: true });
    }
    const owner = await readOwner(path);
    throw lockedError(path, owner === 'gone' ? null : owner);
  }

  async release(): Promise<void> {
    if (!held.delete(this.path)) return;
    if ((await readOwner(this.path)) === process.pid) await rm(this.path, { force: true });
  }
}

/** Creates the lock file with our pid in it, atomically (link fails if it exists); false if it exists. */
async function tryCreate(path: string): Promise<boolean> {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, `${process.pid}\n`, 'utf8');
    await link(tmp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new LogError('TF_LOG_IO', `cannot create lock file ${path}`, err);
  } finally {
    await rm(tmp, { force: true });
  }
}

/** The pid in the lock file; null if it holds none (a damaged file), 'gone' if there is no file. */
async function readOwner(path: string): Promise<number | null | 'gone'> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw new LogError('TF_LOG_IO', `cannot read lock file ${path}`, err);
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

function lockedError(path: string, owner: number | null): LogError {
  const who = owner === null ? 'another process' : `process ${owner}`;
  return new LogError(
    'TF_LOG_LOCKED',
    `log directory is in use by ${who} (lock file ${path}); stop it or use another data directory`,
  );
}
