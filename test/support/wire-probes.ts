// Is a server really up? Each probe speaks just enough of the server's own protocol over a plain socket to
// tell, so the checks need no client library.
import { connect, type Socket } from 'node:net';

const PROBE_TIMEOUT_MS = 5_000;

/** Connects to host:port and sends `request`; resolves with the first bytes that `complete` accepts. */
function exchange(
  host: string,
  port: number,
  request: Buffer,
  complete: (received: Buffer) => boolean,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect({ host, port });
    let received = Buffer.alloc(0);
    socket.setTimeout(PROBE_TIMEOUT_MS, () => {
      socket.destroy(new Error(`no complete reply from ${host}:${port} within ${PROBE_TIMEOUT_MS} ms`));
    });
    socket.once('error', reject);
    socket.once('connect', () => socket.write(request));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (complete(received)) {
        socket.destroy();
        resolve(received);
      }
    });
    socket.once('close', () => {
      reject(new Error(`${host}:${port} closed the connection before a complete reply`));
    });
  });
}

function hostPort(address: string): { host: string; port: number } {
  const match = /^(?:[a-z]+:\/\/)?(?:[^@/]*@)?([^:/]+):(\d+)/.exec(address);
  if (!match) throw new Error(`not a host:port address: ${address}`);
  return { host: match[1]!, port: Number(match[2]) };
}

/** Sends one Redis command (RESP) to a REDIS_URL; resolves with the first reply line, e.g. "+PONG". */
export async function redisCommand(url: string, ...args: string[]): Promise<string> {
  const { host, port } = hostPort(url);
  const request = `*${args.length}\r\n${args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('')}`;
  const reply = await exchange(host, port, Buffer.from(request), (received) => received.includes('\r\n'));
  return reply.toString('utf8').split('\r\n')[0]!;
}

const API_VERSIONS = 18;

/**
 * Sends an ApiVersions v0 request to the first broker of a KAFKA_BROKERS list; resolves with the
 * response's error code (0 when the broker serves requests).
 */
export async function kafkaApiVersions(brokers: string): Promise<number> {
  const { host, port } = hostPort(brokers.split(',')[0]!);
  const clientId = Buffer.from('tickflow-probe');
  const correlationId = 7;
  const body = Buffer.alloc(10 + clientId.length);
  body.writeInt16BE(API_VERSIONS, 0);
  body.writeInt16BE(0, 2);
  body.writeInt32BE(correlationId, 4);
  body.writeInt16BE(clientId.length, 8);
  clientId.copy(body, 10);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  const reply = await exchange(
    host,
    port,
    Buffer.concat([size, body]),
    (received) => received.length >= 4 && received.length >= 4 + received.readInt32BE(0),
  );
  if (reply.readInt32BE(4) !== correlationId)
    throw new Error('ApiVersions reply with a wrong correlation id');
  return reply.readInt16BE(8);
}

/** Resolves true when a TCP connection to 127.0.0.1:port succeeds, false when it is refused. */
export function accepts(port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED') resolve(false);
      else reject(err);
    });
  });
}
