import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

const DESCRIPTION =
  'Real-time crypto prices, OHLCV candles and anomaly alerts. Every error body is ' +
  '`{"error":{"code","message","statusCode"}}`; 503 answers carry `Retry-After`. Live updates: ' +
  'WebSocket `/ws/prices/{symbol}` sends the latest price, then `{"type":"tick"|"candle"|"alert", ...}` ' +
  'messages; an unknown symbol is closed with code 4404.';

/** Collects route schemas into an OpenAPI document; register before the routes. */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'tickflow API', version: '1', description: DESCRIPTION },
      tags: [
        { name: 'prices', description: 'Latest prices and symbols' },
        { name: 'history', description: 'Closed candles' },
        { name: 'alerts', description: 'Anomaly alerts' },
        { name: 'health', description: 'Service status' },
      ],
    },
  });
}

/** `GET /openapi.json` and the docs UI at `/docs`. */
export async function registerDocs(app: FastifyInstance): Promise<void> {
  app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());
  await app.register(swaggerUi, { routePrefix: '/docs' });
}
