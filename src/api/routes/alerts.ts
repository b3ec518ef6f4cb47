import type { FastifyInstance } from 'fastify';
import { type AlertJson, alertToJson } from '../../domain/alert.js';
import { unknownSymbol } from '../api-errors.js';
import type { RouteContext } from '../route-context.js';
import { alertsQuery, alertsResponse, paramRules, responses, symbolParams } from '../schemas.js';

interface Query {
  readonly since?: number;
  readonly limit: number;
}

/** `GET /api/v1/alerts/{symbol}`: anomaly alerts of a symbol, as the store orders them. */
export function alertsRoute(app: FastifyInstance, ctx: RouteContext): void {
  app.get<{ Params: { symbol: string }; Querystring: Query }>(
    '/api/v1/alerts/:symbol',
    {
      schema: {
        tags: ['alerts'],
        summary: 'Anomaly alerts of a symbol',
        description: 'Alerts with ts ≥ since, at most `limit`. 503 when the store is down.',
        params: symbolParams.schema,
        querystring: alertsQuery.schema,
        response: responses(alertsResponse),
      },
      config: paramRules(symbolParams, alertsQuery),
    },
    async (request): Promise<{ symbol: string; alerts: AlertJson[] }> => {
      const symbol = request.params.symbol.toUpperCase();
      const { since, limit } = request.query;
      if (!(await ctx.symbols.isKnown(symbol))) throw unknownSymbol(symbol);
      const alerts = await ctx.deps.store.alerts({
        symbol,
        limit,
        ...(since === undefined ? {} : { since }),
      });
      return { symbol, alerts: alerts.map(alertToJson) };
    },
  );
}
