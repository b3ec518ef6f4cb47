import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type WebSocket, WebSocketServer } from 'ws';
import { messageText } from '../../src/sources/ws-connect.js';
import { closeServer, listenOnLoopback, sendJson } from '../support/loopback-server.js';

/**
 * A loopback stand-in for an exchange: one port serving a WebSocket stream and a REST API. Tests script
 * what each connection does (`onConnection`) and what REST answers (`onRest`); the fake records the
 * messages each connection sent and every REST request.
 */
export interface FakeExchange {
  readonly wsUrl: string;
  readonly restUrl: string;
  /** Server sides of the connections, in order of arrival. */
  readonly connections: WebSocket[];
  /** The request path (with query) of each connection. */
  readonly paths: string[];
  /** Messages received on each connection, as text. */
  readonly received: string[][];
  readonly restRequests: URL[];
  onConnection: (ws: WebSocket, index: number) => void;
  onRest: (url: URL, res: ServerResponse) => void;
  /** Statuses to refuse the next handshakes with (with `Retry-After: retryAfter`). */
  refuse: { status: number; retryAfter?: string }[];
  close(): Promise<void>;
}

export async function startFakeExchange(): Promise<FakeExchange> {
  const wss = new WebSocketServer({ noServer: true });
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    fake.restRequests.push(url);
    fake.onRest(url, res);
  });
  const fake: FakeExchange = {
    wsUrl: '',
    restUrl: '',
    connections: [],
    paths: [],
    received: [],
    restRequests: [],
    onConnection: () => undefined,
    onRest: (_url, res) => {
      sendJson(res, 404, { message: 'NotFound' });
    },
    refuse: [],
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      await closeServer(server);
    },
  };
  server.on('upgrade', (req, socket, head) => {
    const refusal = fake.refuse.shift();
    if (refusal !== undefined) {
      const retryAfter = refusal.retryAfter === undefined ? '' : `Retry-After: ${refusal.retryAfter}\r\n`;
      socket.end(
        `HTTP/1.1 ${refusal.status} Refused\r\n${retryAfter}Content-Length: 0\r\nConnection: close\r\n\r\n`,
      );
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const index = fake.connections.length;
      fake.connections.push(ws);
      fake.paths.push(req.url ?? '');
      const messages: string[] = [];
      fake.received.push(messages);
      ws.on('message', (data) => messages.push(messageText(data)));
      fake.onConnection(ws, index);
    });
  });
  const port = await listenOnLoopback(server);
  return Object.assign(fake, { wsUrl: `ws://127.0.0.1:${port}`, restUrl: `http://127.0.0.1:${port}` });
}
