import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';

/** One file of the dashboard bundle, held in memory with what its response needs. */
export interface DashboardFile {
  readonly body: Buffer;
  readonly type: string;
  readonly etag: string;
}

/** The bundle by URL path (`/` for the page itself), read once at start. */
export type DashboardAssets = ReadonlyMap<string, DashboardFile>;

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Reads the built dashboard (`npm run build` writes it to dist/web): every file of a known type in `dir`,
 * keyed by its URL path, `index.html` as `/`. Null when the directory has no page, so the caller can say
 * the dashboard is not built. Only these paths are ever served, so no request can reach another file.
 */
export async function loadDashboardAssets(dir: string): Promise<DashboardAssets | null> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return null;
  }
  const assets = new Map<string, DashboardFile>();
  for (const name of names.sort()) {
    const type = TYPES[extname(name)];
    if (type === undefined) continue;
    const body = await readFile(join(dir, name));
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
    assets.set(name === 'index.html' ? '/' : `/${name}`, { body, type, etag });
  }
  return assets.has('/') ? assets : null;
}
