import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** The bytes of every file under `dir`, in MB. */
export async function dirSizeMb(dir: string): Promise<number> {
  let bytes = 0;
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) bytes += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return Math.round((bytes / 1024 / 1024) * 10) / 10;
}
