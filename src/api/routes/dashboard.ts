import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../route-context.js';

/**
 * The page may load and connect to its own origin only: no inline script or style, no other host. The
 * chart library sets element styles through the CSSOM, which `style-src` does not govern.
 */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const NOT_BUILT =
  'The tickflow dashboard is not built. Run `npm run build` (npm start does it), then reload.\n';

/**
 * `GET /` and the dashboard's own files (`/app.js`, `/styles.css`, ...), one exact route each, answered
 * from memory with an ETag; without a built dashboard, `/` answers 503 saying how to build it.
 */
export function dashboardRoute(app: FastifyInstance, ctx: RouteContext): void {
  const assets = ctx.deps.dashboard;
  if (assets === undefined) {
    app.get('/', { schema: { hide: true } }, (_request, reply) =>
      reply.code(503).type('text/plain; charset=utf-8').send(NOT_BUILT),
    );
    return;
  }
  for (const [path, file] of assets) {
    app.get(path, { schema: { hide: true } }, (request, reply) => {
      // nosniff, the referrer policy and the other security headers come from helmet, for every route.
      reply.header('cache-control', 'no-cache').header('etag', file.etag);
      if (file.type.startsWith('text/html')) reply.header('content-security-policy', DASHBOARD_CSP);
      if (request.headers['if-none-match'] === file.etag) return reply.code(304).send();
      return reply.type(file.type).send(file.body);
    });
  }
}
