import { type AdapterKind, type Adapters, createAdapters } from './adapters.js';
import { Parts } from './parts.js';
import { type Part, RESET_TO_OPTION, type ServiceContext, type ServiceSpec } from './service.js';

/** Builds a command's parts from the configured adapters of the kinds it uses. */
const withParts =
  (
    kinds: readonly AdapterKind[],
    choose: (p: Parts, adapters: Adapters, ctx: ServiceContext) => { parts: Part[]; banner: () => string },
  ) =>
  async (ctx: ServiceContext): Promise<{ parts: Part[]; banner: () => string }> => {
    const adapters = await createAdapters(ctx.config, ctx.logger, kinds);
    return choose(new Parts(ctx, adapters), adapters, ctx);
  };

const describeSources = (sources: readonly string[], symbols: readonly string[]): string =>
  `sources ${sources.join(',')} for ${symbols.join(',')}`;

/** `tickflow start`: everything in one process. */
export const startCommand: ServiceSpec = {
  command: 'start',
  options: [RESET_TO_OPTION],
  build: withParts(['log', 'store', 'cache'], (p, adapters, ctx) => {
    const { settings } = ctx.config;
    return {
      parts: [
        p.store(),
        p.log(),
        p.cache(),
        p.processor(),
        p.alertRelay(),
        p.api(p.probes(['log', 'store', 'cache'])),
        p.ingest(),
      ],
      banner: () =>
        `tickflow: dashboard at ${p.url()} · log ${adapters.describe.log} · store ${adapters.describe.store} · ` +
        `cache ${adapters.describe.cache} · ${describeSources(settings.sources, settings.symbols)}`,
    };
  }),
};

/** `tickflow ingest`: the sources, appending to the log. */
export const ingestCommand: ServiceSpec = {
  command: 'ingest',
  build: withParts(['log', 'cache'], (p, adapters, ctx) => {
    const { settings } = ctx.config;
    return {
      parts: [...p.metrics(), p.log(), p.cache(), p.ingest()],
      banner: () =>
        `tickflow ingest: log ${adapters.describe.log} · cache ${adapters.describe.cache} · ` +
        describeSources(settings.sources, settings.symbols) +
        p.metricsUrl(),
    };
  }),
};

/** `tickflow process`: the stream processor and the alert relay. */
export const processCommand: ServiceSpec = {
  command: 'process',
  options: [RESET_TO_OPTION],
  build: withParts(['log', 'store', 'cache'], (p, adapters) => {
    return {
      parts: [...p.metrics(), p.store(), p.log(), p.cache(), p.processor(), p.alertRelay()],
      banner: () =>
        `tickflow process: log ${adapters.describe.log} · store ${adapters.describe.store} · cache ${adapters.describe.cache}` +
        p.metricsUrl(),
    };
  }),
};

/** `tickflow serve`: the REST + WebSocket API and the dashboard. */
export const serveCommand: ServiceSpec = {
  command: 'serve',
  build: withParts(['store', 'cache'], (p, adapters) => {
    return {
      parts: [p.store(), p.cache(), p.api(p.probes(['store', 'cache']))],
      banner: () =>
        `tickflow serve: API at ${p.url()} · store ${adapters.describe.store} · cache ${adapters.describe.cache}`,
    };
  }),
};
