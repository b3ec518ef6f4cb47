import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import { TickflowError } from '../errors.js';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { readDescriptorLimit } from '../io/descriptor-limit.js';
import type { ApiDeps } from './api-deps.js';
import { ConnectionCap } from './connection-cap.js';
import { type ConnectionLimits, connectionLimitsFor } from './connection-limits.js';
import { clientErrorHandler, refuseConnect } from './connection-errors.js';
import { originMatcher } from './cors-origins.js';
import { frameworkError, installErrorHandlers } from './error-handler.js';
import { installFiniteNumberGuard } from './finite-params.js';
import { registerDocs, registerOpenApi } from './openapi.js';
import { requestIdFrom } from './request-id.js';
import { installRequestHooks } from './request-hooks.js';
import type { RouteContext } from './route-context.js';
import { alertsRoute } from './routes/alerts.js';
import { dashboardRoute } from './routes/dashboard.js';
import { healthRoute } from './routes/health.js';
import { historicalRoute } from './routes/historical.js';
import { latestRoute } from './routes/latest.js';
import { symbolsRoute } from './routes/symbols.js';
import { metricsRoute } from './routes/metrics.js';
import { wsPricesRoute } from './routes/ws-prices.js';
import { wsClients, wsMessagesConflated, wsMessagesSent } from '../metrics/metrics.js';
import { addSampler, deltaFeeder } from '../metrics/scrape.js';
import { SymbolDirectory } from './symbol-directory.js';
import { installUpgradeGuard } from './upgrade-guard.js';
import { DEFAULT_WS_HUB_OPTIONS, WsHub } from './ws-hub.js';

export type { ApiDeps, ApiOptions } from './api-deps.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The WebSocket fan-out; `stats()` feeds metrics. */
    wsHub: WsHub;
  }
}

const OPEN = 1;
const ROUTES = [
  latestRoute,
  historicalRoute,
  alertsRoute,
  symbolsRoute,
  healthRoute,
  dashboardRoute,
  wsPricesRoute,
  metricsRoute,
];

/** Registers @fastify/websocket so that app close closes every client through the hub. */
async function registerWebsocket(app: FastifyInstance, hub: WsHub, maxPayload: number): Promise<void> {
  await app.register(websocket, {
    // No compression: the hub writes its own uncompressed frames straight to each connection.
    options: { maxPayload, perMessageDeflate: false },
    preClose(done) {
      void hub.close().finally(() => {
        app.websocketServer.close(() => {
          done();
        });
      });
    },
    errorHandler(error, socket, request) {
      request.log.debug({ err: error }, 'websocket error');
      if (socket.readyState === OPEN) socket.close(1011, 'internal error');
    },
  });
}

/**
 * At most `perMinute` requests a minute from one address (none when 0), counted in memory per API
 * instance; over it, 429 TF_RATE_LIMITED in the usual error body with Retry-After and the
 * x-ratelimit-* headers.
 */
async function registerRateLimit(app: FastifyInstance, perMinute: number): Promise<void> {
  if (perMinute === 0) return;
  await app.register(rateLimit, {
    max: perMinute,
    timeWindow: 60_000,
    errorResponseBuilder: (_request, context) =>
      new TickflowError(
        'TF_RATE_LIMITED',
        `more than ${context.max} requests a minute from this address; retry in ${context.after}`,
      ),
  });
}

/** The limits given, or those the process's descriptor limit allows, logged once. */
function resolveLimits(deps: ApiDeps): ConnectionLimits {
  const given = deps.options?.connectionLimits;
  if (given !== undefined) return given;
  const descriptors = readDescriptorLimit();
  const limits = connectionLimitsFor(descriptors.soft);
  deps.logger.info(
    { descriptorLimit: descriptors.soft, descriptorLimitSource: descriptors.source, ...limits },
    'connections capped below the descriptor limit',
  );
  return limits;
}

/**
 * Builds the REST + WebSocket API without listening: the caller calls `listen`, tests call `inject`.
 * `close()` closes every WebSocket client and the hub's cache subscription.
 */
export async function buildApp(deps: ApiDeps): Promise<FastifyInstance> {
  const options = deps.options ?? {};
  const loggerInstance: FastifyBaseLogger = deps.logger;
  const app = Fastify({
    loggerInstance,
    genReqId: requestIdFrom,
    requestIdHeader: false,
    return503OnClosing: false,
    logController: new LogController({ disableRequestLogging: true }),
    handlerTimeout: options.requestTimeoutMs ?? 10_000,
    routerOptions: { ignoreTrailingSlash: true },
    frameworkErrors: frameworkError,
    clientErrorHandler: clientErrorHandler(deps.logger),
    // Node's defaults let a client take 60 s for its headers and 300 s for a request, checked every 30 s.
    requestTimeout: 30_000,
    http: {
      requireHostHeader: false,
      headersTimeout: options.headersTimeoutMs ?? 10_000,
      connectionsCheckingInterval: 1_000,
    },
  });
  const hub = new WsHub(deps.cache, deps.logger.child({ component: 'ws-hub' }), {
    ...DEFAULT_WS_HUB_OPTIONS,
    ...options.wsHub,
  });
  app.decorate('wsHub', hub);
  const connections = new ConnectionCap(
    resolveLimits(deps),
    deps.logger,
    deps.settings.wsMaxClientsPerAddress,
  );
  connections.install(app);
  installUpgradeGuard(app);
  refuseConnect(app);
  installErrorHandlers(app);
  installFiniteNumberGuard(app);
  installRequestHooks(app);
  const allowed = originMatcher(deps.settings.corsOrigins);
  await app.register(cors, {
    origin: (origin, cb) => {
      cb(null, origin === undefined || allowed(origin));
    },
    methods: ['GET', 'HEAD', 'OPTIONS'],
    exposedHeaders: ['X-Request-ID', 'Retry-After'],
  });
  // Security headers on every answer. Helmet's own CSP would upgrade ws:// and http:// requests to TLS
  // (upgrade-insecure-requests), which breaks tickflow served over plain HTTP; the dashboard's routes
  // set a stricter one of their own, and /docs is the swagger UI's page.
  await app.register(helmet, { contentSecurityPolicy: false });
  await registerRateLimit(app, deps.settings.rateLimit);
  await registerOpenApi(app);
  await registerWebsocket(app, hub, options.wsMaxPayload ?? 4096);
  const ctx: RouteContext = {
    deps,
    symbols: new SymbolDirectory(deps.settings.symbols, deps.store),
    hub,
    connections,
    healthTimeoutMs: options.healthTimeoutMs ?? 3_000,
    originAllowed: allowed,
  };
  for (const route of ROUTES) route(app, ctx);
  await registerDocs(app);
  app.addHook('onReady', () => hub.start());
  const sent = deltaFeeder(wsMessagesSent);
  const conflated = deltaFeeder(wsMessagesConflated);
  const stopSampling = addSampler(() => {
    const stats = hub.stats();
    wsClients.set(stats.connections);
    sent(stats.sent);
    conflated(stats.conflated);
  });
  app.addHook('onClose', (_instance, done) => {
    stopSampling();
    done();
  });
  return app;
}
