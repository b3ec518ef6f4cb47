import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import type { Cache } from '../cache/cache.js';
import { MemoryCache } from '../cache/memory-cache.js';
import { createRedisCache } from '../cache/redis-cache.js';
import type { Config } from '../config/load-config.js';
import { ensureWritableDir } from '../io/writable-dir.js';
import { redactUrl } from '../lib/redact-url.js';
import { EmbeddedLog } from '../log/embedded-log.js';
import { createKafkaLog } from '../log/kafka/kafka-log.js';
import type { Log } from '../log/log.js';
import { meteredLog } from '../log/metered-log.js';
import type { Logger } from '../logger.js';
import { CachedStore } from '../store/cached-store.js';
import { CircuitStore } from '../store/circuit-store.js';
import { createPgliteStore } from '../store/pglite-store.js';
import { createPostgresStore } from '../store/postgres-store.js';
import type { Store } from '../store/store.js';

/** The pipeline's adapters, chosen by config. This is the only place they are wired. */
export interface Adapters {
  readonly log: Log;
  readonly store: Store;
  readonly cache: Cache;
  /** How the banner describes each adapter. */
  readonly describe: { readonly log: string; readonly store: string; readonly cache: string };
}

/**
 * The embedded default (a durable log and PGlite in the data directory, an in-process cache), with each
 * part replaced by its server where the config names one: KAFKA_BROKERS for the log, DATABASE_URL for
 * the store, REDIS_URL for the cache.
 */
export async function createAdapters(config: Config, logger: Logger): Promise<Adapters> {
  const { settings } = config;
  const dataDir = resolve(settings.dataDir);
  if (settings.kafkaBrokers === null || settings.databaseUrl === null) {
    await ensureWritableDir(
      dataDir,
      'mount it read-write, or point TICKFLOW_DATA_DIR (--data-dir) elsewhere',
    );
  }
  const log = createLog(config, dataDir, logger.child({ component: 'log' }));
  const store = createStore(config, dataDir, logger.child({ component: 'store' }));
  const cache = createCache(config, logger.child({ component: 'cache' }));
  return {
    log: meteredLog(log.log),
    store: store.store,
    cache: cache.cache,
    describe: { log: log.describe, store: store.describe, cache: cache.describe },
  };
}

function createCache(config: Config, logger: Logger): { cache: Cache; describe: string } {
  const url = config.settings.redisUrl;
  if (url === null) return { cache: new MemoryCache({ logger }), describe: 'memory' };
  const cache = createRedisCache({ url, logger });
  return { cache, describe: `redis (${cache.server})` };
}

function createLog(config: Config, dataDir: string, logger: Logger): { log: Log; describe: string } {
  const { kafkaBrokers: brokers, sessionTimeout, logSegmentBytes } = config.settings;
  if (brokers !== null) {
    const heartbeatIntervalMs = Math.min(3_000, Math.floor(sessionTimeout / 3));
    const log = createKafkaLog({
      brokers,
      clientId: `tickflow-${hostname()}-${process.pid}`,
      logger,
      sessionTimeoutMs: sessionTimeout,
      heartbeatIntervalMs,
    });
    return { log, describe: `kafka (${brokers.join(',')})` };
  }
  const logDir = join(dataDir, 'log');
  return {
    log: new EmbeddedLog(logDir, logger, { sessionTimeoutMs: sessionTimeout, segmentBytes: logSegmentBytes }),
    describe: `embedded (${logDir})`,
  };
}

function createStore(config: Config, dataDir: string, logger: Logger): { store: Store; describe: string } {
  const url = config.settings.databaseUrl;
  if (url !== null) {
    // A server other processes share, reached over the network: a dead one is not hammered.
    return {
      store: new CircuitStore(createPostgresStore({ url, logger }), logger),
      describe: `postgres (${redactUrl(url)})`,
    };
  }
  const storeDir = join(dataDir, 'store');
  // This process is the store's only writer, so repeated history reads can be served from memory.
  return { store: new CachedStore(createPgliteStore(storeDir, logger)), describe: `pglite (${storeDir})` };
}
