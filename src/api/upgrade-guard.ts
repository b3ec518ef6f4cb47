import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { endConnection } from './close-connection.js';

const UPGRADE_TOKEN = /(?:^|,)\s*upgrade\s*(?:,|$)/i;

/** A request that asks to switch protocols, which Node hands to the server's `upgrade` listeners. */
const asksToUpgrade = (req: IncomingMessage): boolean =>
  req.headers.upgrade !== undefined && UPGRADE_TOKEN.test(req.headers.connection ?? '');

/**
 * @fastify/websocket routes an upgrade request through Fastify on a ServerResponse it attaches to the raw
 * socket by hand, outside the HTTP server's connection bookkeeping. When Fastify answers such a request
 * in plain HTTP (a malformed URL, an unknown route or method, a hook's answer such as a CORS preflight or a
 * 503) nothing closes the socket: it stays in CLOSE-WAIT, holding a descriptor, and blocks `close()`.
 * This tells the client the connection ends with the answer and closes it once the answer is written. An
 * accepted upgrade never finishes its ServerResponse (`ws` writes the 101 itself), so it is left alone.
 */
export function closeAfterAnswer(req: IncomingMessage, res: ServerResponse): void {
  if (!asksToUpgrade(req)) return;
  if (!res.headersSent) res.setHeader('connection', 'close');
  res.once('finish', () => {
    endConnection(req.socket);
  });
}

/**
 * Applies `closeAfterAnswer` to every routed request, first of all hooks so that an earlier hook's answer
 * cannot skip it. Errors the router raises before any hook (see `frameworkError`) call it themselves.
 */
export function installUpgradeGuard(app: FastifyInstance): void {
  app.addHook('onRequest', (request, reply, done) => {
    closeAfterAnswer(request.raw, reply.raw);
    done();
  });
}
