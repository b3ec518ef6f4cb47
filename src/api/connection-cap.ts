import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { TickflowError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { ConnectionLimits } from './connection-limits.js';

const tooManyClients = (max: number): TickflowError =>
  new TickflowError(
    'TF_TOO_MANY_CLIENTS',
    `the server already serves its limit of ${max} WebSocket clients; try again later`,
    { statusCode: 503, retriable: true },
  );

/**
 * Keeps the API's connections below the process's descriptor limit, so clients never take the
 * descriptors the store, the log and the sources need. Node closes a TCP connection over
 * `maxConnections` as soon as it is accepted; a WebSocket client over `maxWebSocketClients` is answered
 * 503 (with Retry-After) before its upgrade, while the HTTP headroom between the two still lets it be
 * answered. The first refusal of each kind is logged as a warning, the others at debug.
 */
export class ConnectionCap {
  readonly #limits: ConnectionLimits;
  readonly #logger: Logger;
  #clients = 0;
  #warnedRefusal = false;
  #warnedDrop = false;

  constructor(limits: ConnectionLimits, logger: Logger) {
    this.#limits = limits;
    this.#logger = logger;
  }

  /** Sets the server's connection limit and watches what it drops. */
  install(app: FastifyInstance): void {
    const { maxConnections } = this.#limits;
    app.server.maxConnections = maxConnections;
    app.server.on('drop', () => {
      if (this.#warnedDrop) return;
      this.#warnedDrop = true;
      this.#logger.warn(
        { maxConnections },
        'connection limit reached: new connections are closed at once (further ones are not logged)',
      );
    });
  }

  /** A WebSocket route's onRequest hook: counts an upgrade until its socket closes, or refuses it. */
  readonly admitWebSocket = (
    request: FastifyRequest,
    _reply: FastifyReply,
    done: HookHandlerDoneFunction,
  ): void => {
    if (!request.ws) {
      done();
      return;
    }
    const max = this.#limits.maxWebSocketClients;
    if (this.#clients >= max) {
      this.#logRefusal(max);
      done(tooManyClients(max));
      return;
    }
    this.#clients++;
    request.raw.socket.once('close', () => {
      this.#clients--;
    });
    done();
  };

  #logRefusal(max: number): void {
    if (this.#warnedRefusal) {
      this.#logger.debug({ maxWebSocketClients: max }, 'websocket client refused: at the limit');
      return;
    }
    this.#warnedRefusal = true;
    this.#logger.warn(
      { maxWebSocketClients: max },
      'websocket client limit reached: new clients get 503 (further ones are logged at debug)',
    );
  }
}
