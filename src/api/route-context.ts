import type { ApiDeps } from './api-deps.js';
import type { ConnectionCap } from './connection-cap.js';
import type { SymbolDirectory } from './symbol-directory.js';
import type { WsHub } from './ws-hub.js';

/** What every route module receives. */
export interface RouteContext {
  readonly deps: ApiDeps;
  readonly symbols: SymbolDirectory;
  readonly hub: WsHub;
  readonly connections: ConnectionCap;
  readonly healthTimeoutMs: number;
  /** The CORS allowlist as a predicate on an `Origin` header; WebSocket upgrades are held to it too. */
  readonly originAllowed: (origin: string) => boolean;
}
