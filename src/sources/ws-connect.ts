import { WebSocket, type RawData } from 'ws';
import { parseRetryAfter } from './backoff.js';
import { SourceError, redactUrl, unavailable } from './source-error.js';
import { errorMessage } from '../errors.js';

/**
 * The largest message taken from an exchange's WebSocket: a trade message is under 1 KB, so 1 MiB leaves
 * room and keeps a broken or hostile server far below ws's default of 100 MiB. A larger one closes the
 * connection with 1009, and the stream reconnects as after any drop.
 */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

export interface OpenOptions {
  readonly label: string;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  readonly now: () => number;
  /** Statuses besides 429 and 5xx that mean "wait and retry". */
  readonly retryStatuses?: readonly number[];
  /** The largest inbound message (default MAX_MESSAGE_BYTES). */
  readonly maxPayload?: number;
}

function handshakeError(
  status: number,
  retryAfter: string | undefined,
  url: string,
  options: OpenOptions,
): SourceError {
  const message = `${options.label} answered ${status} to the WebSocket handshake (${url})`;
  if (status === 429 || status >= 500 || options.retryStatuses?.includes(status) === true) {
    return unavailable(message, { retryAfterMs: parseRetryAfter(retryAfter, options.now()) ?? null });
  }
  return new SourceError('TF_SOURCE_CONFIG', `${message}: check the WebSocket URL`, { retriable: false });
}

/**
 * Opens a WebSocket and resolves once it is open. `onOpen` runs inside the `open` event, before any message
 * can be emitted, so it can attach listeners without missing the first messages. Every failure rejects with
 * a SourceError (a refused handshake keeps its status and Retry-After); aborting `signal` rejects with the
 * abort reason.
 */
export function openWebSocket<T>(
  url: string,
  options: OpenOptions,
  onOpen: (ws: WebSocket) => T,
): Promise<T> {
  const shown = redactUrl(url);
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, {
      handshakeTimeout: options.timeoutMs,
      maxPayload: options.maxPayload ?? MAX_MESSAGE_BYTES,
    });
    let failure: SourceError | null = null;
    const onAbort = (): void => {
      ws.terminate();
    };
    options.signal.addEventListener('abort', onAbort, { once: true });
    ws.on('unexpected-response', (_req, res) => {
      const header = res.headers['retry-after'];
      failure = handshakeError(res.statusCode ?? 0, header, shown, options);
      res.resume();
      ws.terminate();
    });
    ws.on('error', (err) => {
      failure ??= unavailable(`${options.label} WebSocket failed (${shown}): ${errorMessage(err)}`, {
        cause: err,
      });
    });
    ws.once('open', () => {
      options.signal.removeEventListener('abort', onAbort);
      ws.removeAllListeners('close');
      const opened = onOpen(ws);
      resolve(opened);
    });
    ws.once('close', () => {
      options.signal.removeEventListener('abort', onAbort);
      if (options.signal.aborted) reject(abortReason(options.signal));
      else reject(failure ?? unavailable(`${options.label} closed the connection (${shown})`));
    });
  });
}

const abortReason = (signal: AbortSignal): Error =>
  signal.reason instanceof Error ? signal.reason : new Error('aborted', { cause: signal.reason });

export function messageText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
