// Prints `count` free loopback ports, one a line, each reserved for the services state dir `owner`.
// Usage: node scripts/free-ports.mjs <owner-dir> <count>
//
// Why not just bind port 0: a test stops a server for a while and starts it again on the same port, and in
// that gap the port looks free. So ports are drawn below the kernel's ephemeral range (where outgoing
// connections never land) and reserved in a shared folder, one file per port naming its owner dir, until
// `services.sh down` releases them. A reservation whose owner dir is gone is stale and may be taken.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';

const [owner, countArg] = process.argv.slice(2);
const count = Number(countArg);
if (!owner || !Number.isInteger(count) || count < 1) {
  process.stderr.write('usage: free-ports.mjs <owner-dir> <count>\n');
  process.exit(2);
}

const reservations = join(tmpdir(), 'tickflow-ports');
mkdirSync(reservations, { recursive: true, mode: 0o1777 });

function ephemeralLow() {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
  } catch {
    return 32768;
  }
}

const low = 15000;
const high = Math.max(low + 1000, ephemeralLow());

function canBind(port) {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

function reserve(port) {
  const file = join(reservations, String(port));
  try {
    writeFileSync(file, owner, { flag: 'wx' });
    return true;
  } catch {
    const holder = readFileSync(file, 'utf8');
    if (existsSync(holder)) return false;
    writeFileSync(file, owner);
    return true;
  }
}

const ports = [];
for (let attempt = 0; ports.length < count; attempt++) {
  if (attempt > 2000) {
    process.stderr.write(`free-ports: no free port found in ${low}-${high}\n`);
    process.exit(1);
  }
  const port = low + Math.floor(Math.random() * (high - low));
  if (ports.includes(port) || !(await canBind(port))) continue;
  if (reserve(port)) ports.push(port);
}
process.stdout.write(ports.join('\n') + '\n');
