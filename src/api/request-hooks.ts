import type { FastifyInstance } from 'fastify';
import { TickflowError } from '../errors.js';
import { httpRequestDuration } from '../metrics/metrics.js';
import { REQUEST_ID_HEADER } from './request-id.js';

const shuttingDown = (): TickflowError =>
  new TickflowError('TF_SHUTTING_DOWN', 'the server is shutting down; try again shortly');

const noHost = (): TickflowError =>
  new TickflowError('TF_BAD_REQUEST', 'an HTTP/1.1 request must carry a Host header');

/**
 * Per-request hooks: every response carries `X-Request-ID`; an HTTP/1.1 request without `Host` gets a 400
 * in the usual error body (the app is built with Node's own check, and its empty body, turned off); once
 * close has begun, requests still arriving on open connections get a 503 (the app is built with
 * `return503OnClosing: false` so Fastify's own body does not bypass it); each completed request is logged
 * at debug with its id, and observed in the request-duration histogram.
 */
export function installRequestHooks(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onRequest', (request, reply, done) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
    if (request.raw.httpVersion === '1.1' && request.headers.host === undefined) {
      void reply.header('connection', 'close');
      done(noHost());
      return;
    }
    if (closing) {
      void reply.header('connection', 'close');
      done(shuttingDown());
      return;
    }
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    // The route's pattern, not the URL, so the label stays bounded; requests no route took share one.
    const route = request.routeOptions.url ?? 'unmatched';
    httpRequestDuration.observe(
      { method: request.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1_000,
    );
    request.log.debug(
      { method: request.method, url: request.url, statusCode: reply.statusCode, ms: reply.elapsedTime },
      'request completed',
    );
    done();
  });
}
