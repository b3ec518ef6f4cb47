import type { FastifyInstance } from 'fastify';
import { MINIMAL_PAGE } from '../minimal-page.js';
import type { RouteContext } from '../route-context.js';

/** `GET /`: the dashboard page when one is given, else a minimal live page. */
export function rootRoute(app: FastifyInstance, ctx: RouteContext): void {
  const html = ctx.deps.dashboardHtml ?? MINIMAL_PAGE;
  app.get('/', { schema: { hide: true } }, (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(html),
  );
}
