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

const PIECE = '1,'.repeat(32 * 1024);

/** A JSON array of `n` bytes (n odd), `[1,1,…,1]`, in pieces of 64 KiB, never held whole. */
function* arrayPieces(n: number): Generator<string> {
  let left = n - 2;
  yield '[';
  while (left > PIECE.length) {
    yield PIECE;
    left -= PIECE.length;
  }
  yield `${PIECE.slice(0, left - 1)}1]`;
}

/**
 * Answers with a JSON array of `n` bytes (n odd), written as the client reads it and dropped when the client
 * goes, so a body of any size costs the server 64 KiB. With `contentLength` it declares its size;
 * without, it is sent chunked.
 */
export function streamJsonArray(
  res: ServerResponse,
  status: number,
  n: number,
  contentLength: boolean,
): void {
  res.writeHead(status, {
    'content-type': 'application/json',
    ...(contentLength ? { 'content-length': String(n) } : {}),
  });
  const pieces = arrayPieces(n);
  const more = (): void => {
    for (let p = pieces.next(); !p.done; p = pieces.next()) {
      if (!res.write(p.value)) {
        res.once('drain', more);
        return;
      }
    }
    res.end();
  };
  res.on('close', () => pieces.return(undefined));
  more();
}
