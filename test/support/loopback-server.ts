import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Answers with `body` as JSON. */
export const sendJson = (
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

/** Starts `server` on 127.0.0.1 at a free port; resolves with the port. */
export async function listenOnLoopback(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** Drops every open connection and resolves once `server` is closed. */
export function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
}
