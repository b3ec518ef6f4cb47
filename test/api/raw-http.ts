import { createConnection } from 'node:net';

export interface RawResponse {
  readonly status: number;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** Whether the server closed the connection (sent FIN) within the wait; only with `waitForClose`. */
  readonly serverClosed: boolean;
}

export interface RawOptions {
  /** Keep the connection open after the response and wait this long for the server to close it. */
  readonly waitForCloseMs?: number;
  /** Give up (rejecting) when no complete response has arrived within this long. Default 2 s. */
  readonly timeoutMs?: number;
}

/** Request bytes for an upgrade to WebSocket, as a browser sends them, plus any extra header lines. */
export const upgradeRequest = (method: string, path: string, extraHeaders = ''): string =>
  `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
  `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n${extraHeaders}\r\n`;

function parse(text: string): Omit<RawResponse, 'serverClosed'> | undefined {
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [statusLine = '', ...lines] = text.slice(0, end).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const body = text.slice(end + 4);
  const length = Number(headers['content-length'] ?? 0);
  if (Buffer.byteLength(body) < length) return undefined;
  return { status: Number(statusLine.split(' ')[1]), headers, body };
}

/**
 * Writes `request` as is on a new TCP connection to 127.0.0.1:`port` and reads one HTTP response (a
 * status line, headers and a Content-Length body). Then it destroys the socket, or with `waitForCloseMs`
 * waits for the server to end the connection first.
 */
export function rawRequest(port: number, request: string, options: RawOptions = {}): Promise<RawResponse> {
  const socket = createConnection({ host: '127.0.0.1', port });
  let text = '';
  let response: Omit<RawResponse, 'serverClosed'> | undefined;
  let linger: NodeJS.Timeout | undefined;
  return new Promise<RawResponse>((resolve, reject) => {
    const finish = (serverClosed: boolean): void => {
      clearTimeout(giveUp);
      clearTimeout(linger);
      socket.destroy();
      if (response === undefined) reject(new Error(`no complete response; received ${JSON.stringify(text)}`));
      else resolve({ ...response, serverClosed });
    };
    const giveUp = setTimeout(() => {
      finish(false);
    }, options.timeoutMs ?? 2_000);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text += chunk;
      if (response !== undefined) return;
      response = parse(text);
      if (response === undefined) return;
      if (options.waitForCloseMs === undefined) {
        finish(false);
        return;
      }
      linger = setTimeout(() => {
        finish(false);
      }, options.waitForCloseMs);
    });
    socket.on('end', () => {
      finish(true);
    });
    socket.on('error', () => {
      finish(false);
    });
    socket.write(request);
  });
}
