import { buildApp } from '../api/app.js';
import { fileURLToPath } from 'node:url';
import { loadDashboardAssets } from '../api/dashboard-assets.js';
import type { FastifyInstance } from 'fastify';
import { ensureTopics } from '../pipeline/topics.js';
import { checkHealth, type Probe } from '../pipeline/health-check.js';
import { AlertRelay } from '../pipeline/alert-relay.js';
import { Ingestor } from '../pipeline/ingestor.js';
import { ProcessorRunner } from '../pipeline/processor-runner.js';
import { createSources } from '../sources/create-sources.js';
import { MetricsServer } from '../metrics/metrics-server.js';
import type { Adapters } from './adapters.js';
import type { Part, ServiceContext } from './service.js';

/** Where `npm run build` puts the dashboard bundle, beside this module's folder in dist/. */
const DASHBOARD_DIR = fileURLToPath(new URL('../web/', import.meta.url));

/** The parts a command runs, built lazily from the adapters so each command takes only what it needs. */
export class Parts {
  ingestor: Ingestor | null = null;
  runner: ProcessorRunner | null = null;
  private app: FastifyInstance | null = null;
  private metricsServer: MetricsServer | null = null;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly adapters: Adapters,
  ) {}

  store(): Part {
    const { store } = this.adapters;
    return { name: 'store', start: () => store.start(), close: () => store.close() };
  }

  log(): Part {
    const { log } = this.adapters;
    const { pricesPartitions, alertsPartitions } = this.ctx.config.settings;
    return {
      name: 'log',
      start: async () => {
        await log.start();
        await ensureTopics(log, { prices: pricesPartitions, alerts: alertsPartitions });
      },
      close: () => log.close(),
    };
  }

  cache(): Part {
    const { cache } = this.adapters;
    return { name: 'cache', start: () => cache.start(), close: () => cache.close() };
  }

  processor(): Part {
    const { log, store, cache } = this.adapters;
    const { config, logger, clock, resetTo } = this.ctx;
    const runner = new ProcessorRunner({
      log,
      store,
      cache,
      config,
      logger: logger.child({ component: 'processor' }),
      clock,
      ...(resetTo === undefined ? {} : { resetTo }),
    });
    this.runner = runner;
    const symbols = config.settings.symbols.map((symbol) => ({
      symbol,
      coingeckoId: config.settings.coingeckoIds[symbol] ?? symbol.toLowerCase(),
    }));
    return {
      name: 'processor',
      start: async () => {
        await store.registerSymbols(symbols);
        await runner.start();
      },
      close: () => runner.close(),
    };
  }

  alertRelay(): Part {
    const relay = new AlertRelay(
      this.adapters.log,
      this.adapters.store,
      this.ctx.logger.child({ component: 'alert-relay' }),
    );
    return { name: 'alert-relay', start: () => relay.start(), close: () => relay.close() };
  }

  ingest(): Part {
    const { settings } = this.ctx.config;
    const logger = this.ctx.logger.child({ component: 'ingest' });
    const sources = createSources(settings, logger, this.ctx.clock);
    const ingestor = new Ingestor({
      log: this.adapters.log,
      cache: this.adapters.cache,
      sources,
      symbols: settings.symbols,
      latestTtlMs: settings.latestTtl,
      futureHorizonMs: settings.futureHorizon,
      logger,
      clock: this.ctx.clock,
    });
    this.ingestor = ingestor;
    return {
      name: 'ingest',
      start: () => ingestor.start(),
      close: () => ingestor.close(),
    };
  }

  api(probes: readonly Probe[]): Part {
    const { store, cache } = this.adapters;
    const { settings } = this.ctx.config;
    return {
      name: 'api',
      start: async () => {
        const logger = this.ctx.logger.child({ component: 'api' });
        const dashboard = await loadDashboardAssets(DASHBOARD_DIR);
        if (dashboard === null) logger.warn({ dir: DASHBOARD_DIR }, 'dashboard not built; run npm run build');
        const app = await buildApp({
          store,
          cache,
          settings,
          logger,
          health: () => checkHealth(probes, this.ingestor?.statuses() ?? []),
          ...(dashboard === null ? {} : { dashboard }),
        });
        this.app = app;
        await app.listen({ host: settings.host, port: settings.port });
      },
      close: async () => {
        await this.app?.close();
      },
    };
  }

  /** `--metrics-port`'s server, when the setting is given; none otherwise. */
  metrics(): Part[] {
    const { host, metricsPort } = this.ctx.config.settings;
    if (metricsPort === null) return [];
    const server = new MetricsServer();
    this.metricsServer = server;
    return [{ name: 'metrics', start: () => server.listen(host, metricsPort), close: () => server.close() }];
  }

  /** Where `--metrics-port`'s server listens, for the banner; empty without one. */
  metricsUrl(): string {
    const server = this.metricsServer;
    return server === null ? '' : ` · metrics at ${this.httpUrl(server.port)}/metrics`;
  }

  /** The address the API listens on, once it does. */
  url(): string {
    const address = this.app?.server.address();
    const { port } = this.ctx.config.settings;
    return this.httpUrl(typeof address === 'object' && address !== null ? address.port : port);
  }

  /** `http://HOST:port`, an IPv6 host in brackets. */
  private httpUrl(port: number): string {
    const { host } = this.ctx.config.settings;
    return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  }

  probes(which: readonly ('log' | 'store' | 'cache')[]): Probe[] {
    const required = { log: true, store: true, cache: false };
    const probes: Probe[] = which.map((name) => ({
      name,
      required: required[name],
      check: () => this.adapters[name].health(),
    }));
    const runner = this.runner;
    if (runner !== null) {
      probes.push({ name: 'processor', required: false, check: () => runner.describe() });
    }
    return probes;
  }
}
