import type { Cache } from '../cache/cache.js';
import type { Settings } from '../config/schema.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/store.js';
import type { ConnectionLimits } from './connection-limits.js';
import type { DashboardAssets } from './dashboard-assets.js';
import type { HealthReport } from '../domain/health.js';
import type { WsHubOptions } from './ws-hub.js';

export interface ApiOptions {
  /** A request not answered within this long gets 503 (Fastify's handlerTimeout). Default 10 s. */
  readonly requestTimeoutMs?: number;
  /**
   * A client must send a request's headers within this long, or the connection is closed (Node's
   * `headersTimeout`, checked every second), so a slowloris client cannot hold a connection. Default 10 s.
   */
  readonly headersTimeoutMs?: number;
  /** `GET /health` reports `down` when the health function takes longer. Default 3 s. */
  readonly healthTimeoutMs?: number;
  /** Largest inbound WebSocket message; a bigger one closes the socket with 1009. Default 4 KiB. */
  readonly wsMaxPayload?: number;
  readonly wsHub?: Partial<WsHubOptions>;
  /** Default: derived from the process's descriptor limit, read when the app is built. */
  readonly connectionLimits?: ConnectionLimits;
}

/** Everything the API needs; the CLI wires the adapters. */
export interface ApiDeps {
  readonly store: Store;
  readonly cache: Cache;
  readonly settings: Settings;
  readonly logger: Logger;
  /** Overall and per-component status, built by the pipeline. */
  readonly health: () => Promise<HealthReport>;
  /** The built dashboard, served at `/`; absent when it is not built, and `/` then says so. */
  readonly dashboard?: DashboardAssets;
  readonly options?: ApiOptions;
}
