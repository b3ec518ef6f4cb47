import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { Update } from '../cache/cache.js';

/** What the hub needs of a `ws` WebSocket. */
export type SenderSocket = Pick<
  WebSocket,
  'readyState' | 'bufferedAmount' | 'send' | 'close' | 'terminate' | 'once'
>;

/** The connection under a WebSocket, corked while a round of messages is written to it. */
export type SenderTransport = Pick<Duplex, 'cork' | 'uncork'>;

/** A message as it goes out: its conflation key and its text, encoded once for every client. */
export interface OutgoingMessage {
  readonly key: string;
  readonly data: Buffer;
}

const OPEN = 1;
/** When nothing is in flight to signal a drain, look again after this long. */
const RECHECK_MS = 25;

/** Totals shared by every sender of a hub. */
export interface SendCounters {
  sent: number;
  /** Messages replaced by a newer one of the same key before a slow client could take them. */
  conflated: number;
}

/**
 * What a newer message replaces for a slow client: the newest tick, the newest candle per interval, the
 * newest alert per (interval, rule). So a client that cannot keep up holds at most one message per key.
 */
export function conflationKey(update: Update): string {
  switch (update.type) {
    case 'tick':
      return 'tick';
    case 'candle':
      return `candle:${update.interval}`;
    case 'alert':
      return `alert:${update.interval}:${update.rule}`;
  }
}

/**
 * Sends to one WebSocket client without ever buffering without bound. While the socket's unsent bytes
 * stay under the high-water mark, messages go straight out. Above it, they wait in a map keyed by
 * conflation key, so a newer message replaces an older one of its kind, and go out, oldest key first, as
 * the socket drains (signalled by send callbacks). Until `prime` is called, everything waits, so the
 * initial snapshot can go first.
 */
export class ConflatingSender {
  readonly socket: SenderSocket;
  readonly #transport: SenderTransport;
  readonly #highWaterMark: number;
  readonly #counters: SendCounters;
  readonly #pending = new Map<string, Buffer>();
  #priming = true;
  #inFlight = 0;
  #recheck: NodeJS.Timeout | undefined;

  constructor(
    socket: SenderSocket,
    transport: SenderTransport,
    highWaterMark: number,
    counters: SendCounters,
  ) {
    this.socket = socket;
    this.#transport = transport;
    this.#highWaterMark = highWaterMark;
    this.#counters = counters;
  }

  /** Messages waiting for this client (at most one per conflation key). */
  get pending(): number {
    return this.#pending.size;
  }

  /**
   * Offers a round of messages with the connection corked, so what goes out of them reaches the OS in
   * one write: with thousands of clients, a write per message per client is what the fan-out spends on.
   */
  offerAll(messages: readonly OutgoingMessage[]): void {
    if (this.socket.readyState !== OPEN) return;
    this.#transport.cork();
    try {
      for (const { key, data } of messages) {
        // Corked bytes count as unsent: hand them to the OS before judging the client slow.
        if (!this.#canWrite()) {
          this.#transport.uncork();
          this.#transport.cork();
        }
        this.#offer(key, data);
      }
    } finally {
      this.#transport.uncork();
    }
  }

  /** Ends priming: sends `initial` unless a newer message of its key is already waiting, then the rest. */
  prime(initial: OutgoingMessage | null): void {
    this.#priming = false;
    if (initial !== null && !this.#pending.has(initial.key) && this.socket.readyState === OPEN) {
      this.#send(initial.data);
    }
    this.#flush();
  }

  /** Drops what is pending; the socket is closing. */
  dispose(): void {
    clearTimeout(this.#recheck);
    this.#pending.clear();
  }

  #offer(key: string, data: Buffer): void {
    if (!this.#priming && this.#pending.size === 0 && this.#canWrite()) {
      this.#send(data);
      return;
    }
    if (this.#pending.delete(key)) this.#counters.conflated++;
    this.#pending.set(key, data);
    if (!this.#priming) this.#scheduleRecheck();
  }

  #canWrite(): boolean {
    return this.socket.bufferedAmount <= this.#highWaterMark;
  }

  #send(data: Buffer): void {
    this.#inFlight++;
    this.#counters.sent++;
    // A text frame, as browsers need to read JSON from event.data; a Buffer would go out as binary.
    this.socket.send(data, { binary: false }, () => {
      this.#inFlight--;
      this.#flush();
    });
  }

  #flush(): void {
    if (this.#priming) return;
    if (this.socket.readyState !== OPEN) {
      this.dispose();
      return;
    }
    for (const [key, data] of this.#pending) {
      if (!this.#canWrite()) break;
      this.#pending.delete(key);
      this.#send(data);
    }
    if (this.#pending.size > 0) this.#scheduleRecheck();
  }

  /** A send callback will flush when one is in flight; otherwise a timer looks again. */
  #scheduleRecheck(): void {
    if (this.#inFlight > 0 || this.#recheck !== undefined) return;
    this.#recheck = setTimeout(() => {
      this.#recheck = undefined;
      this.#flush();
    }, RECHECK_MS);
    this.#recheck.unref();
  }
}
