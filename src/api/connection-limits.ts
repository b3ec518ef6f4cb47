/** How many clients the API serves at once, derived from the process's descriptor limit. */
export interface ConnectionLimits {
  /** Open TCP connections (Node's `server.maxConnections`); Node closes any new one beyond it at once. */
  readonly maxConnections: number;
  /** WebSocket clients at once; one more is answered 503 before its upgrade. */
  readonly maxWebSocketClients: number;
}

/**
 * Descriptors kept back from clients. `tickflow start` holds about 135 when idle: about 100 are PGlite's
 * relation files, the rest the log's segments and indexes, the sources' connections, stdio and the event
 * loop's own; a store checkpoint, a segment roll or a source reconnecting needs more for a while. Above
 * 1024 a quarter is kept: the store and the log hold more files as the data grows, and a limit raised for
 * a busy instance should not be spent to the last descriptor on clients.
 */
const MIN_RESERVE = 256;
const RESERVE_SHARE = 0.25;
/** Connections kept for REST calls, `/health` and for answering refused upgrades, out of the budget. */
const MIN_HTTP_HEADROOM = 16;
const HTTP_HEADROOM_SHARE = 0.1;

/**
 * Connections may use what the reserve leaves (always at least a quarter of the limit, so a very low
 * limit still serves a few), and WebSocket clients all of that but the HTTP headroom (always at least half).
 * At 1024 descriptors: 768 connections, 691 WebSocket clients.
 */
export function connectionLimitsFor(descriptorLimit: number): ConnectionLimits {
  const reserve = Math.max(MIN_RESERVE, Math.ceil(descriptorLimit * RESERVE_SHARE));
  const maxConnections = Math.max(descriptorLimit - reserve, Math.floor(descriptorLimit / 4));
  const headroom = Math.max(MIN_HTTP_HEADROOM, Math.ceil(maxConnections * HTTP_HEADROOM_SHARE));
  const maxWebSocketClients = Math.max(maxConnections - headroom, Math.floor(maxConnections / 2));
  return { maxConnections, maxWebSocketClients };
}
