import type { FastifyInstance, FastifyReply } from 'fastify';
import { type Candle, type CandleJson, candleToJson } from '../../domain/candle.js';
import { badParam, unknownSymbol } from '../api-errors.js';
import type { RouteContext } from '../route-context.js';
import { historicalQuery, historicalResponse, paramRules, responses, symbolParams } from '../schemas.js';
import { JSON_CONTENT_TYPE, SerializedBodies } from '../serialized-bodies.js';

interface Query {
  readonly interval: string;
  readonly from?: number;
  readonly to?: number;
  readonly limit: number;
}

interface HistoricalBody {
  readonly symbol: string;
  readonly interval: string;
  readonly candles: readonly CandleJson[];
}

/**
 * `GET /api/v1/historical/{symbol}`: closed candles, oldest first. Without `from`, the newest `limit` (a
 * chart's default view stays current); with it, pages the way CCXT's `since` + `limit` do: `from` is
 * inclusive, and the next page starts at the last `window_start` + 1.
 */
export function historicalRoute(app: FastifyInstance, ctx: RouteContext): void {
  const query = historicalQuery(ctx.deps.settings);
  const bodies = new SerializedBodies<readonly Candle[]>();
  app.get<{ Params: { symbol: string }; Querystring: Query }>(
    '/api/v1/historical/:symbol',
    {
      schema: {
        tags: ['history'],
        summary: 'Closed OHLCV candles of a symbol',
        description:
          'Candles with from ≤ window_start < to, oldest first, at most `limit`. Without `from`, the ' +
          'newest `limit` candles (before `to`, if given), as exchanges answer a request without a start. ' +
          'With `from`, the first `limit` from there; for the next page, repeat with from = last ' +
          'window_start + 1. 503 when the store is down.',
        params: symbolParams.schema,
        querystring: query.schema,
        response: responses(historicalResponse),
      },
      config: paramRules(symbolParams, query),
    },
    async (request, reply): Promise<FastifyReply> => {
      const symbol = request.params.symbol.toUpperCase();
      const { interval, from, to, limit } = request.query;
      if (from !== undefined && to !== undefined && to <= from) throw badParam('to', 'greater than from');
      if (!(await ctx.symbols.isKnown(symbol))) throw unknownSymbol(symbol);
      const candles = await ctx.deps.store.candles({
        symbol,
        interval,
        limit,
        ...(from === undefined ? {} : { from }),
        ...(to === undefined ? {} : { to }),
      });
      // Serialized by the route's response schema, as Fastify would, but once per store result.
      const body = bodies.body(candles, `${symbol} ${interval}`, () => {
        const json: HistoricalBody = { symbol, interval, candles: candles.map(candleToJson) };
        // fast-json-stringify makes strings; Fastify's type also allows a custom serializer's bytes.
        return reply.serialize(json) as string;
      });
      return reply.type(JSON_CONTENT_TYPE).send(body);
    },
  );
}
