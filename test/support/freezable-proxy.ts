import { type Server, type Socket, connect, createServer } from 'node:net';

/**
 * A TCP proxy on loopback in front of `host:port` that can freeze: while frozen it keeps accepting
 * connections and reading what clients send, but forwards nothing and answers nothing, the way a hung
 * server or a silent network partition behaves.
 */
export interface FreezableProxy {
  readonly port: number;
  /** Connections accepted so far: how often its clients tried the server behind it. */
  readonly connections: number;
  /** Freezes the connections whose client has sent text that `which` accepts (by default all of them). */
  freeze(which?: (sent: string) => boolean): void;
  thaw(): void;
  close(): Promise<void>;
}

export async function startFreezableProxy(host: string, port: number): Promise<FreezableProxy> {
  const thawed = (): boolean => false;
  let frozen: (sent: string) => boolean = thawed;
  let connections = 0;
  const sockets = new Set<Socket>();
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  };
  const server: Server = createServer((client) => {
    connections++;
    track(client);
    // What the client sent first (enough to name it), and whether it was frozen at some point.
    let sent = '';
    let held = false;
    const isFrozen = (): boolean => (held ||= frozen(sent));
    const upstream = connect({ host, port });
    track(upstream);
    client.on('data', (chunk: Buffer) => {
      if (sent.length < 4096) sent += chunk.toString('latin1');
      if (!isFrozen()) upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!isFrozen()) client.write(chunk);
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('the proxy has no port');
  return {
    port: address.port,
    get connections() {
      return connections;
    },
    freeze: (which = () => true) => {
      frozen = which;
    },
    /** New connections flow again; those frozen stay silent until their client gives up on them. */
    thaw: () => {
      frozen = thawed;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => {
          resolve();
        });
      }),
  };
}
