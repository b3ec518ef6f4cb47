import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../route-context.js';
import { responses, symbolsResponse } from '../schemas.js';

/** `GET /api/v1/symbols`: the configured symbols, then any others the store has seen. */
export function symbolsRoute(app: FastifyInstance, ctx: RouteContext): void {
  app.get(
    '/api/v1/symbols',
    {
      schema: {
        tags: ['prices'],
        summary: 'Symbols tickflow knows',
        description:
          'Configured symbols first, then the others in the store (`complete: true`). While the store is ' +
          'down, only the configured ones, with `complete: false`.',
        response: responses(symbolsResponse),
      },
    },
    (): Promise<{ symbols: string[]; complete: boolean }> => ctx.symbols.all(),
  );
}
