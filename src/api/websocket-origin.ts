import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction, onRequestHookHandler } from 'fastify';
import { TickflowError } from '../errors.js';

const forbiddenOrigin = (origin: string): TickflowError =>
  new TickflowError(
    'TF_ORIGIN_FORBIDDEN',
    `WebSocket connections from the origin ${JSON.stringify(origin).slice(0, 200)} are not allowed; ` +
      'add it to TICKFLOW_CORS_ORIGINS',
  );

/** True when `origin` is the origin of the page the server itself serves (the dashboard): same host:port. */
function isSameOrigin(origin: string, host: string | undefined): boolean {
  if (host === undefined) return false;
  try {
    const url = new URL(origin);
    return url.origin === origin && url.host === host.toLowerCase();
  } catch {
    return false;
  }
}

/**
 * Checks the `Origin` of a WebSocket upgrade against the CORS allowlist, so that no other site's page can
 * open a socket with its visitor's browser (cross-site WebSocket hijacking). A page the server serves
 * itself is always allowed; a client that sends no `Origin` (not a browser) is allowed, as CORS allows it.
 */
export function websocketOriginGuard(allowed: (origin: string) => boolean): onRequestHookHandler {
  return (request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    const origin = request.headers.origin;
    if (
      !request.ws ||
      origin === undefined ||
      isSameOrigin(origin, request.headers.host) ||
      allowed(origin)
    ) {
      done();
      return;
    }
    request.log.debug({ origin }, 'websocket upgrade refused: origin not allowed');
    done(forbiddenOrigin(origin));
  };
}
