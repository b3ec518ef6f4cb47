import { constants } from 'node:fs';
import { access, mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { TickflowError, errorMessage } from '../errors.js';

/**
 * Makes sure `dir` exists and can be written, or says precisely why not: TF_DATA_DIR_UNUSABLE, with the
 * errno (EROFS for a read-only file system, EACCES, ENOSPC). The missing directories are created one at
 * a time, since Node's recursive mkdir reports ENOENT for any failure below an existing parent (a
 * read-only mount included).
 */
export async function ensureWritableDir(dir: string, hint: string): Promise<void> {
  const path = resolve(dir);
  try {
    for (const missing of (await missingDirs(path)).reverse()) {
      await mkdir(missing).catch((err: unknown) => {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      });
    }
    await access(path, constants.W_OK);
  } catch (err) {
    throw new TickflowError(
      'TF_DATA_DIR_UNUSABLE',
      `the data directory ${path} cannot be written (${errorMessage(err)}); ${hint}`,
      { cause: err },
    );
  }
}

/** `path` and its ancestors that do not exist, deepest first. */
async function missingDirs(path: string): Promise<string[]> {
  const missing: string[] = [];
  for (let at = path; ; at = dirname(at)) {
    try {
      await stat(at);
      return missing;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(at) === at) throw err;
      missing.push(at);
    }
  }
}
