import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { ApiDeps, ApiOptions } from '../../src/api/api-deps.js';
import { buildApp } from '../../src/api/app.js';
import type { DashboardAssets } from '../../src/api/dashboard-assets.js';
import type { HealthReport } from '../../src/domain/health.js';
import type { LatestPrice } from '../../src/cache/cache.js';
import { MemoryCache } from '../../src/cache/memory-cache.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { Alert } from '../../src/domain/alert.js';
import type { Candle } from '../../src/domain/candle.js';
import { silentLogger } from '../../src/logger.js';
import { CachedStore } from '../../src/store/cached-store.js';
import { createPgliteStore } from '../../src/store/pglite-store.js';
import type { Store } from '../../src/store/store.js';
import { T0 } from '../support/fixtures.js';

export { alert, candle, MIN, T0 } from '../support/fixtures.js';

export interface Api {
  readonly app: FastifyInstance;
  readonly store: Store;
  readonly cache: MemoryCache;
  /** What the app was built from, to build variants over the same store and cache. */
  readonly deps: ApiDeps;
  /** Sets what the health function returns (or throws, or a promise that never settles). */
  setHealth(fn: () => Promise<HealthReport>): void;
  close(): Promise<void>;
}

export interface ApiSetup {
  /** Setting flags, e.g. `{ symbols: 'BTC,ETH', 'cors-origins': 'http://localhost' }`. */
  readonly flags?: Readonly<Record<string, string>>;
  readonly dashboard?: DashboardAssets;
  readonly options?: ApiOptions;
  /** The store behind a CachedStore, as `tickflow start` runs the embedded one. */
  readonly cached?: boolean;
}

export const OK_HEALTH: HealthReport = {
  status: 'ok',
  components: { store: { status: 'up', required: true }, cache: { status: 'up', required: false } },
};

/** The real API over a real PGlite store in a temp dir and a real in-memory cache, made ready. */
export async function startApi(setup: ApiSetup = {}): Promise<Api> {
  const dir = await mkdtemp(join(tmpdir(), 'tickflow-api-'));
  const logger = silentLogger();
  const pglite = createPgliteStore(dir, logger);
  const store = setup.cached === true ? new CachedStore(pglite) : pglite;
  await store.start();
  const cache = new MemoryCache();
  await cache.start();
  const { settings } = loadConfig({ env: {}, flags: { symbols: 'BTC,ETH', ...setup.flags } });
  let health = (): Promise<HealthReport> => Promise.resolve(OK_HEALTH);
  const deps: ApiDeps = {
    store,
    cache,
    settings,
    logger,
    health: () => health(),
    ...(setup.dashboard === undefined ? {} : { dashboard: setup.dashboard }),
    ...(setup.options === undefined ? {} : { options: setup.options }),
  };
  const app = await buildApp(deps);
  await app.ready();
  return {
    app,
    store,
    cache,
    deps,
    setHealth: (fn) => (health = fn),
    close: async () => {
      await app.close();
      await cache.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Writes candles and alerts the way the processor does: one `store.commit`. */
export const commit = (
  store: Store,
  candles: readonly Candle[],
  alerts: readonly Alert[] = [],
): Promise<void> =>
  store.commit({ group: 'tickflow-processor', fence: null, checkpoints: [], candles, alerts });

export const latest = (symbol: string, price: number, fields: Partial<LatestPrice> = {}): LatestPrice => ({
  symbol,
  price,
  ts: T0,
  source: 'coingecko',
  change_24h: -1.25,
  volume_24h: 1e9,
  stale: false,
  ...fields,
});

/** The error body every failure answers with. */
export interface ErrorJson {
  readonly error: { readonly code: string; readonly message: string; readonly statusCode: number };
}

/** Polls `condition` every 5 ms until it holds or `timeoutMs` passes; returns whether it held. */
export async function until(condition: () => boolean, timeoutMs = 3_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 5));
  }
  return true;
}
