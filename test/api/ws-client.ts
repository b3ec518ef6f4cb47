import type { Socket } from 'node:net';
import WebSocket from 'ws';
import type { Update } from '../../src/cache/cache.js';

export interface Client {
  readonly ws: WebSocket;
  readonly messages: Update[];
  /** Frames that came as binary: a browser's `JSON.parse(event.data)` cannot read them, so none should. */
  readonly binaryFrames: () => number;
  /** Resolves with the close code and reason once the connection closes. */
  readonly closed: Promise<{ code: number; reason: string }>;
  /** Stops reading from the TCP socket (a slow consumer), or starts again. */
  pause(): void;
  resume(): void;
}

/** Opens a `ws` client to `url` and records every message it receives. */
export function connect(url: string): Promise<Client> {
  const ws = new WebSocket(url);
  const messages: Update[] = [];
  let binaryFrames = 0;
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (isBinary) binaryFrames++;
    messages.push(JSON.parse(data.toString('utf8')) as Update);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on('close', (code, reason) => {
      resolve({ code, reason: reason.toString('utf8') });
    });
  });
  const socket = (): Socket => (ws as unknown as { _socket: Socket })._socket;
  return new Promise((resolve, reject) => {
    ws.once('error', reject);
    ws.once('open', () => {
      resolve({
        ws,
        messages,
        binaryFrames: () => binaryFrames,
        closed,
        pause: () => socket().pause(),
        resume: () => socket().resume(),
      });
    });
  });
}

/** Rejects if `promise` has not settled within `ms`. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`${what}: nothing within ${ms} ms`));
    }, ms);
  });
  return Promise.race([promise, timeout]).finally(() => {
    clearTimeout(timer);
  });
}
