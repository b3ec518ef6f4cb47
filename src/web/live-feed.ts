import type { Update } from '../domain/live-update.js';
import type { FeedState } from './connection-status.js';
import { reconnectDelay } from './reconnect-delay.js';

export interface FeedHandlers {
  readonly onUpdate: (update: Update) => void;
  readonly onState: (state: FeedState) => void;
  /** Called on every open after the first: updates were missed while it was down. */
  readonly onReconnected: () => void;
}

/** The API's close code for a symbol it does not know; retrying cannot help. */
const CLOSE_UNKNOWN_SYMBOL = 4404;

/**
 * The WebSocket `/ws/prices/{symbol}` of one symbol, reopened with backoff and jitter whenever it closes,
 * until `close()`. Messages that are not updates are ignored.
 */
export class LiveFeed {
  #socket: WebSocket | null = null;
  #attempt = 0;
  #opened = false;
  #timer: number | undefined;
  #closed = false;

  constructor(
    readonly symbol: string,
    private readonly handlers: FeedHandlers,
  ) {}

  start(): void {
    this.#connect();
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#socket?.close(1000, 'page closed');
  }

  #connect(): void {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const socket = new WebSocket(`${scheme}://${location.host}/ws/prices/${encodeURIComponent(this.symbol)}`);
    this.#socket = socket;
    socket.onopen = () => {
      this.#attempt = 0;
      this.handlers.onState('live');
      if (this.#opened) this.handlers.onReconnected();
      this.#opened = true;
    };
    socket.onmessage = (event: MessageEvent) => {
      if (typeof event.data !== 'string') return;
      let update: Update;
      try {
        update = JSON.parse(event.data) as Update;
      } catch {
        return;
      }
      this.handlers.onUpdate(update);
    };
    socket.onclose = (event: CloseEvent) => {
      if (this.#closed) return;
      if (event.code === CLOSE_UNKNOWN_SYMBOL) {
        this.handlers.onState('refused');
        return;
      }
      this.handlers.onState('reconnecting');
      const delay = reconnectDelay(this.#attempt++, Math.random);
      this.#timer = window.setTimeout(() => {
        this.#connect();
      }, delay);
    };
  }
}
