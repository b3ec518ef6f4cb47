import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Cache } from '../cache/cache.js';
import { MemoryCache } from '../cache/memory-cache.js';
import type { Config } from '../config/load-config.js';
import { EmbeddedLog } from '../log/embedded-log.js';
import type { Log } from '../log/log.js';
import type { Logger } from '../logger.js';
import { CachedStore } from '../store/cached-store.js';
import { createPgliteStore } from '../store/pglite-store.js';
import type { Store } from '../store/store.js';

/** The pipeline's adapters, chosen by config. This is the only place they are wired. */
export interface Adapters {
  readonly log: Log;
  readonly store: Store;
  readonly cache: Cache;
  /** How the banner describes each adapter. */
  readonly describe: { readonly log: string; readonly store: string; readonly cache: string };
}

/** The embedded default: a durable log and PGlite in the data directory, and an in-process cache. */
export async function createAdapters(config: Config, logger: Logger): Promise<Adapters> {
  const dataDir = resolve(config.settings.dataDir);
  await mkdir(dataDir, { recursive: true });
  const logDir = join(dataDir, 'log');
  const storeDir = join(dataDir, 'store');
  return {
    log: new EmbeddedLog(logDir, logger.child({ component: 'log' })),
    // This process is the store's only writer, so repeated history reads can be served from memory.
    store: new CachedStore(createPgliteStore(storeDir, logger.child({ component: 'store' }))),
    cache: new MemoryCache(),
    describe: { log: `embedded (${logDir})`, store: `pglite (${storeDir})`, cache: 'memory' },
  };
}
