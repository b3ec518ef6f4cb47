import type { FastifyInstance } from 'fastify';
import { scrape } from '../../metrics/scrape.js';

/** `GET /metrics`: every metric of this process in the Prometheus text format. */
export function metricsRoute(app: FastifyInstance): void {
  app.get('/metrics', { schema: { hide: true }, config: { rateLimit: false } }, async (_request, reply) => {
    const { contentType, body } = await scrape();
    return reply.type(contentType).send(body);
  });
}
