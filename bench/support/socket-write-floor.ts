/**
 * The machine's floor for a fan-out: how long one write of a small buffer to each of N plain TCP
 * connections over loopback takes, with no WebSocket, JSON or tickflow code on the path. On loopback the
 * kernel runs the receiving side of each write in the writer's system call, so the figure is what the
 * machine charges a single-threaded server per client per message, whatever the server does.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { createServer, connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

export interface WriteFloor {
  readonly connections: number;
  /** Median over the rounds of the time to write once to every connection, per connection. */
  readonly us_per_write: number;
  /** The same median for the whole round: the least time a message can take to reach the last client. */
  readonly ms_per_round: number;
}

const ROUNDS = 20;
const ROUND_GAP_MS = 200;
const CONNECT_BATCH = 100;
/** About the size of a tick message and its frame header. */
const MESSAGE = Buffer.alloc(200, 0x78);

/** Opens `count` connections to `port` and reads whatever comes; says 'ready' once all are open. */
async function holdConnections(port: number, count: number): Promise<void> {
  const sockets: Socket[] = [];
  for (let i = 0; i < count; i += CONNECT_BATCH) {
    const batch = Array.from({ length: Math.min(CONNECT_BATCH, count - i) }, () => {
      const socket = connect(port, '127.0.0.1');
      socket.resume();
      sockets.push(socket);
      return once(socket, 'connect');
    });
    await Promise.all(batch);
  }
  process.send?.('ready');
}

/** Measures the floor with `connections` connections held by `processes` reader processes. */
export async function measureWriteFloor(connections: number, processes: number): Promise<WriteFloor> {
  const accepted: Socket[] = [];
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    accepted.push(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const share = Math.ceil(connections / processes);
  const readers = Array.from({ length: processes }, (_, i) =>
    fork(fileURLToPath(import.meta.url), [String(port), String(Math.min(share, connections - i * share))], {
      execArgv: ['--import', 'tsx'],
    }),
  );
  try {
    await Promise.all(readers.map((r) => once(r, 'message')));
    const perRound: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const start = performance.now();
      for (const socket of accepted) socket.write(MESSAGE);
      perRound.push(performance.now() - start);
      await new Promise((resolve) => setTimeout(resolve, ROUND_GAP_MS));
    }
    const median = perRound.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)] ?? Number.NaN;
    return {
      connections: accepted.length,
      us_per_write: Math.round((median * 1_000 * 100) / accepted.length) / 100,
      ms_per_round: Math.round(median * 10) / 10,
    };
  } finally {
    for (const r of readers) r.kill();
    for (const socket of accepted) socket.destroy();
    server.close();
  }
}

if (process.send !== undefined && process.argv[1] === fileURLToPath(import.meta.url)) {
  await holdConnections(Number(process.argv[2]), Number(process.argv[3]));
}
