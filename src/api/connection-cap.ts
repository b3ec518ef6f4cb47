import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { TickflowError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { ConnectionLimits } from './connection-limits.js';

const tooManyFromAddress = (max: number): TickflowError =>
  new TickflowError(
    'TF_TOO_MANY_CLIENTS_FROM_ADDRESS',
    `this address already holds its limit of ${max} WebSocket clients; close one first`,
  );

const tooManyClients = (max: number): TickflowError =>
  new TickflowError(
    'TF_TOO_MANY_CLIENTS',
    `the server already serves its limit of ${max} WebSocket clients; try again later`,
  );

/**
 * Keeps the API's connections below the process's descriptor limit, so clients never take the
 * descriptors the store, the log and the sources need. Node closes a TCP connection over
 * `maxConnections` as soon as it is accepted; a WebSocket client over `maxWebSocketClients` is answered
 * 503 (with Retry-After) before its upgrade, while the HTTP headroom between the two still lets it be
 * answered; one remote address over its own limit is answered 429. The first refusal of each kind is
 * logged as a warning, the others at debug.
 */
export class ConnectionCap {
  readonly #limits: ConnectionLimits;
  readonly #logger: Logger;
  readonly #perAddress: number;
  readonly #byAddress = new Map<string, number>();
  #clients = 0;
  #warnedAddress = false;
  #warnedRefusal = false;
  #warnedDrop = false;

  /** `perAddress`: WebSocket clients one remote address may hold at once (answered 429 beyond it). */
  constructor(limits: ConnectionLimits, logger: Logger, perAddress = Number.MAX_SAFE_INTEGER) {
    this.#limits = limits;
    this.#logger = logger;
    this.#perAddress = perAddress;
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
    const address = request.raw.socket.remoteAddress ?? '';
    const held = this.#byAddress.get(address) ?? 0;
    if (held >= this.#perAddress) {
      this.#logAddressRefusal(address);
      done(tooManyFromAddress(this.#perAddress));
      return;
    }
    this.#clients++;
    this.#byAddress.set(address, held + 1);
    request.raw.socket.once('close', () => {
      this.#clients--;
      const left = (this.#byAddress.get(address) ?? 1) - 1;
      if (left > 0) this.#byAddress.set(address, left);
      else this.#byAddress.delete(address);
    });
    done();
  };

  #logAddressRefusal(address: string): void {
    const fields = { address, maxWebSocketClientsPerAddress: this.#perAddress };
    if (this.#warnedAddress) {
      this.#logger.debug(fields, 'websocket client refused: its address is at its limit');
      return;
    }
    this.#warnedAddress = true;
    this.#logger.warn(
      fields,
      'an address reached its websocket client limit: it gets 429 (further ones at debug)',
    );
  }

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
