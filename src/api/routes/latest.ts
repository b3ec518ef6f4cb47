import type { FastifyInstance } from 'fastify';
import type { LatestPrice } from '../../cache/cache.js';
import { noRecentPrice, unknownSymbol } from '../api-errors.js';
import type { RouteContext } from '../route-context.js';
import { latestResponse, paramRules, responses, symbolParams } from '../schemas.js';

/**
 * `GET /api/v1/latest/{symbol}`: the value of `crypto:{SYMBOL}:latest`. A configured symbol is answered
 * from the cache alone. When the key has expired (no price within its TTL), the answer is 404
 * TF_NO_RECENT_PRICE rather than an old price; the last closed candle remains in `/historical`.
 */
export function latestRoute(app: FastifyInstance, ctx: RouteContext): void {
  app.get<{ Params: { symbol: string } }>(
    '/api/v1/latest/:symbol',
    {
      schema: {
        tags: ['prices'],
        summary: 'Latest price of a symbol',
        description:
          'The newest price from the cache. 404 TF_UNKNOWN_SYMBOL for a symbol tickflow does not follow, ' +
          '404 TF_NO_RECENT_PRICE when none arrived within the TTL, 503 when the cache is down.',
        params: symbolParams.schema,
        response: responses(latestResponse),
      },
      config: paramRules(symbolParams),
    },
    async (request): Promise<LatestPrice> => {
      const symbol = request.params.symbol.toUpperCase();
      const latest = await ctx.deps.cache.getLatest(symbol);
      if (latest !== null) return latest;
      if (!(await ctx.symbols.isKnown(symbol))) throw unknownSymbol(symbol);
      throw noRecentPrice(symbol);
    },
  );
}
