import type { FastifyInstance } from 'fastify';
import { TickflowError } from '../errors.js';
import { REQUEST_ID_HEADER } from './request-id.js';

const shuttingDown = (): TickflowError =>
  new TickflowError('TF_SHUTTING_DOWN', 'the server is shutting down; try again shortly', {
    statusCode: 503,
    retriable: true,
  });

/**
 * Per-request hooks: every response carries `X-Request-ID`; once close has begun, requests still arriving
 * on open connections get a 503 in the usual error body (the app is built with `return503OnClosing: false`
 * so Fastify's own body does not bypass it); each completed request is logged at debug with its id.
 */
export function installRequestHooks(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onRequest', (request, reply, done) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
    if (closing) {
      void reply.header('connection', 'close');
      done(shuttingDown());
      return;
    }
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    request.log.debug(
      { method: request.method, url: request.url, statusCode: reply.statusCode, ms: reply.elapsedTime },
      'request completed',
    );
    done();
  });
}
