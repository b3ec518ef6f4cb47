import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { Update } from '../cache/cache.js';

/** What the hub needs of a `ws` WebSocket. */
export type SenderSocket = Pick<WebSocket, 'readyState' | 'bufferedAmount' | 'close' | 'terminate' | 'once'>;

/**
 * The connection under a WebSocket. The hub writes its frames to it straight, framed once for every
 * client: ws frames each message again for each client, which with thousands of clients is what the
 * fan-out spends its time on. Its frames and those ws writes itself (the close handshake) cannot
 * interleave, since both write whole frames synchronously and compression is off.
 */
export type SenderTransport = Pick<Duplex, 'write'>;

/** A message as it goes out: its conflation key and its text frame, built once for every client. */
export interface OutgoingMessage {
  readonly key: string;
  readonly frame: Buffer;
}

/** The messages of one round for one symbol, and their frames back to back, to go out in one write. */
export interface OutgoingRound {
  readonly messages: readonly OutgoingMessage[];
  readonly frames: Buffer;
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
 * the socket drains (signalled by write callbacks). Until `prime` is called, everything waits, so the
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

  /** Offers a round: in one write when the client keeps up, else message by message, conflated. */
  offerRound(round: OutgoingRound): void {
    if (this.socket.readyState !== OPEN) return;
    if (this.#keepsUp()) {
      this.#write(round.frames, round.messages.length);
      return;
    }
    for (const { key, frame } of round.messages) this.#offer(key, frame);
  }

  /** Ends priming: sends `initial` unless a newer message of its key is already waiting, then the rest. */
  prime(initial: OutgoingMessage | null): void {
    this.#priming = false;
    if (initial !== null && !this.#pending.has(initial.key) && this.socket.readyState === OPEN) {
      this.#write(initial.frame, 1);
    }
    this.#flush();
  }

  /** Drops what is pending; the socket is closing. */
  dispose(): void {
    clearTimeout(this.#recheck);
    this.#pending.clear();
  }

  #offer(key: string, frame: Buffer): void {
    if (this.#keepsUp()) {
      this.#write(frame, 1);
      return;
    }
    if (this.#pending.delete(key)) this.#counters.conflated++;
    this.#pending.set(key, frame);
    if (!this.#priming) this.#scheduleRecheck();
  }

  /** Nothing waits (and the snapshot has gone first), and the socket is under its high-water mark. */
  #keepsUp(): boolean {
    return !this.#priming && this.#pending.size === 0 && this.#canWrite();
  }

  #canWrite(): boolean {
    return this.socket.bufferedAmount <= this.#highWaterMark;
  }

  #write(frames: Buffer, messages: number): void {
    this.#inFlight++;
    this.#counters.sent += messages;
    this.#transport.write(frames, () => {
      this.#inFlight--;
      this.#flush();
    });
  }

  /** Sends what is pending, oldest key first, in one write, while the socket is under its mark. */
  #flush(): void {
    if (this.#priming) return;
    if (this.socket.readyState !== OPEN) {
      this.dispose();
      return;
    }
    if (this.#pending.size > 0 && this.#canWrite()) {
      const frames = [...this.#pending.values()];
      this.#pending.clear();
      this.#write(frames.length === 1 ? (frames[0] as Buffer) : Buffer.concat(frames), frames.length);
    }
    if (this.#pending.size > 0) this.#scheduleRecheck();
  }

  /** A write callback will flush when one is in flight; otherwise a timer looks again. */
  #scheduleRecheck(): void {
    if (this.#inFlight > 0 || this.#recheck !== undefined) return;
    this.#recheck = setTimeout(() => {
      this.#recheck = undefined;
      this.#flush();
    }, RECHECK_MS);
    this.#recheck.unref();
  }
}
