import type { Cache, Update } from '../cache/cache.js';
import type { Logger } from '../logger.js';
import {
  ConflatingSender,
  type OutgoingMessage,
  type OutgoingRound,
  type SendCounters,
  type SenderSocket,
  type SenderTransport,
  conflationKey,
} from './conflating-sender.js';
import { textFrame } from './websocket-frame.js';

export interface WsHubOptions {
  /** Unsent bytes on a socket above which its messages are conflated. */
  readonly highWaterMark: number;
  /** How long close waits for clients to answer the close handshake before cutting them off. */
  readonly closeGraceMs: number;
  /** Delay between attempts when subscribing to the cache fails. */
  readonly resubscribeMs: number;
}

export const DEFAULT_WS_HUB_OPTIONS: WsHubOptions = {
  highWaterMark: 256 * 1024,
  closeGraceMs: 1_000,
  resubscribeMs: 1_000,
};

export interface WsHubStats {
  readonly connections: number;
  /** Messages waiting for slow clients, in total and for the slowest one. */
  readonly pending: number;
  readonly maxPending: number;
  readonly sent: number;
  readonly conflated: number;
  readonly subscribed: boolean;
}

const OPEN = 1;
const CLOSED = 3;

const encode = (message: object): Buffer => textFrame(JSON.stringify(message));

/**
 * Fans `crypto:updates` out to WebSocket clients by symbol. One cache subscription serves every client of
 * the API instance. The updates that arrive together (one publisher round, one read from Redis) are sent
 * as a round, just after: each is serialised and framed once for all clients, and each client that keeps
 * up gets the round's frames in one write; a slow one gets them through its conflating sender.
 */
export class WsHub {
  readonly #cache: Cache;
  readonly #logger: Logger;
  readonly #options: WsHubOptions;
  readonly #bySymbol = new Map<string, Set<ConflatingSender>>();
  readonly #counters: SendCounters = { sent: 0, conflated: 0 };
  /** The round being gathered, by symbol, and its send, due once the updates arriving together are in. */
  readonly #round = new Map<string, OutgoingMessage[]>();
  #sending: NodeJS.Immediate | undefined;
  #unsubscribe: (() => Promise<void>) | undefined;
  #retry: NodeJS.Timeout | undefined;
  #subscribeFailures = 0;
  #closed = false;

  constructor(cache: Cache, logger: Logger, options: WsHubOptions = DEFAULT_WS_HUB_OPTIONS) {
    this.#cache = cache;
    this.#logger = logger;
    this.#options = options;
  }

  /** Subscribes to the cache; on failure logs once and keeps trying until it succeeds or the hub closes. */
  async start(): Promise<void> {
    if (this.#closed || this.#unsubscribe !== undefined) return;
    try {
      this.#unsubscribe = await this.#cache.subscribe((u) => {
        this.#dispatch(u);
      });
      if (this.#subscribeFailures > 0) this.#logger.info('websocket hub subscribed to crypto:updates again');
      this.#subscribeFailures = 0;
      if (this.#isClosed()) await this.#stopSubscription();
    } catch (err) {
      if (this.#subscribeFailures++ === 0) {
        this.#logger.warn({ err }, 'websocket hub cannot subscribe to crypto:updates; retrying');
      }
      this.#retry = setTimeout(() => void this.start(), this.#options.resubscribeMs);
      this.#retry.unref();
    }
  }

  /**
   * Serves `socket` the updates of `symbol`, starting with its latest price, if the cache has one.
   * `transport` is the connection under it.
   */
  connect(symbol: string, socket: SenderSocket, transport: SenderTransport): void {
    if (this.#closed) {
      socket.close(1001, 'server shutting down');
      return;
    }
    const client = new ConflatingSender(socket, transport, this.#options.highWaterMark, this.#counters);
    let clients = this.#bySymbol.get(symbol);
    if (clients === undefined) this.#bySymbol.set(symbol, (clients = new Set()));
    clients.add(client);
    socket.once('close', () => {
      client.dispose();
      clients.delete(client);
      if (clients.size === 0 && this.#bySymbol.get(symbol) === clients) this.#bySymbol.delete(symbol);
    });
    void this.#prime(symbol, client);
  }

  stats(): WsHubStats {
    let connections = 0;
    let pending = 0;
    let maxPending = 0;
    for (const clients of this.#bySymbol.values()) {
      for (const c of clients) {
        connections++;
        pending += c.pending;
        maxPending = Math.max(maxPending, c.pending);
      }
    }
    const { sent, conflated } = this.#counters;
    return { connections, pending, maxPending, sent, conflated, subscribed: this.#unsubscribe !== undefined };
  }

  /** Unsubscribes, closes every client with 1001 and cuts off those that do not answer within the grace. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retry);
    clearImmediate(this.#sending);
    this.#round.clear();
    await this.#stopSubscription();
    const sockets = [...this.#bySymbol.values()].flatMap((set) => [...set].map((c) => c.socket));
    await Promise.all(sockets.map((s) => this.#closeSocket(s)));
  }

  /** A method, not the field, so the check after an await is not narrowed away. */
  #isClosed(): boolean {
    return this.#closed;
  }

  async #prime(symbol: string, client: ConflatingSender): Promise<void> {
    let initial: OutgoingMessage | null = null;
    try {
      const latest = await this.#cache.getLatest(symbol);
      if (latest !== null) initial = { key: 'tick', frame: encode({ type: 'tick', ...latest }) };
    } catch (err) {
      this.#logger.debug({ err, symbol }, 'no latest price for a new websocket client');
    }
    client.prime(initial);
  }

  #dispatch(update: Update): void {
    if (!this.#bySymbol.has(update.symbol)) return;
    let messages = this.#round.get(update.symbol);
    if (messages === undefined) this.#round.set(update.symbol, (messages = []));
    messages.push({ key: conflationKey(update), frame: encode(update) });
    this.#sending ??= setImmediate(() => {
      this.#sendRound();
    });
  }

  #sendRound(): void {
    this.#sending = undefined;
    for (const [symbol, messages] of this.#round) {
      const clients = this.#bySymbol.get(symbol);
      if (clients === undefined) continue;
      const round: OutgoingRound = { messages, frames: Buffer.concat(messages.map((m) => m.frame)) };
      for (const client of clients) client.offerRound(round);
    }
    this.#round.clear();
  }

  async #stopSubscription(): Promise<void> {
    const unsubscribe = this.#unsubscribe;
    this.#unsubscribe = undefined;
    try {
      await unsubscribe?.();
    } catch (err) {
      this.#logger.debug({ err }, 'websocket hub unsubscribe failed');
    }
  }

  #closeSocket(socket: SenderSocket): Promise<void> {
    if (socket.readyState === CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        socket.terminate();
      }, this.#options.closeGraceMs);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      if (socket.readyState === OPEN) socket.close(1001, 'server shutting down');
    });
  }
}
