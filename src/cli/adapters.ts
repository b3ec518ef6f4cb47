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

/** One of the adapters a command may use. */
export type AdapterKind = 'log' | 'store' | 'cache';

interface Made<T> {
  readonly adapter: T;
  readonly describe: string;
}

/**
 * The adapters `kinds` names: the embedded default (a durable log and PGlite in the data directory, an
 * in-process cache), with each part replaced by its server where the config names one: KAFKA_BROKERS for
 * the log, DATABASE_URL for the store, REDIS_URL for the cache. The others are not made, and asking for
 * one is a programming error; so `tickflow serve` on PostgreSQL needs no data directory.
 */
export async function createAdapters(
  config: Config,
  logger: Logger,
  kinds: readonly AdapterKind[],
): Promise<Adapters> {
  const { settings } = config;
  const uses = new Set(kinds);
  const dataDir = resolve(settings.dataDir);
  const embedded =
    (uses.has('log') && settings.kafkaBrokers === null) ||
    (uses.has('store') && settings.databaseUrl === null);
  if (embedded) {
    await ensureWritableDir(
      dataDir,
      'mount it read-write, or point TICKFLOW_DATA_DIR (--data-dir) elsewhere',
    );
  }
  const log = uses.has('log') ? createLog(config, dataDir, logger.child({ component: 'log' })) : null;
  const store = uses.has('store') ? createStore(config, dataDir, logger.child({ component: 'store' })) : null;
  const cache = uses.has('cache') ? createCache(config, logger.child({ component: 'cache' })) : null;
  const metered = log === null ? null : meteredLog(log.adapter);
  return {
    get log() {
      return made('log', metered);
    },
    get store() {
      return made('store', store?.adapter ?? null);
    },
    get cache() {
      return made('cache', cache?.adapter ?? null);
    },
    // For the banner, which names only the parts a command runs.
    describe: {
      log: log?.describe ?? 'unused',
      store: store?.describe ?? 'unused',
      cache: cache?.describe ?? 'unused',
    },
  };
}

function made<T>(kind: AdapterKind, adapter: T | null): T {
  if (adapter === null) throw new Error(`the ${kind} adapter was not asked for`);
  return adapter;
}

function createCache(config: Config, logger: Logger): Made<Cache> {
  const url = config.settings.redisUrl;
  if (url === null) return { adapter: new MemoryCache({ logger }), describe: 'memory' };
  const cache = createRedisCache({ url, logger });
  return { adapter: cache, describe: `redis (${cache.server})` };
}

function createLog(config: Config, dataDir: string, logger: Logger): Made<Log> {
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
    return { adapter: log, describe: `kafka (${brokers.join(',')})` };
  }
  const logDir = join(dataDir, 'log');
  return {
    adapter: new EmbeddedLog(logDir, logger, {
      sessionTimeoutMs: sessionTimeout,
      segmentBytes: logSegmentBytes,
    }),
    describe: `embedded (${logDir})`,
  };
}

function createStore(config: Config, dataDir: string, logger: Logger): Made<Store> {
  const url = config.settings.databaseUrl;
  if (url !== null) {
    // A server other processes share, reached over the network: a dead one is not hammered.
    return {
      adapter: new CircuitStore(createPostgresStore({ url, logger }), logger),
      describe: `postgres (${redactUrl(url)})`,
    };
  }
  const storeDir = join(dataDir, 'store');
  // This process is the store's only writer, so repeated history reads can be served from memory.
  return { adapter: new CachedStore(createPgliteStore(storeDir, logger)), describe: `pglite (${storeDir})` };
}
