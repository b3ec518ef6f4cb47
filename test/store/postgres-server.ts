import { execFile, execFileSync } from 'node:child_process';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

/** Where Debian puts PostgreSQL 15's programs; PG_BIN overrides it. */
const BIN = process.env['PG_BIN'] ?? '/usr/lib/postgresql/15/bin';

/**
 * A throwaway PostgreSQL server for tests: its own data directory in a temp dir, on a free loopback port,
 * fsync off. Never the system instance. initdb refuses to run as root, so as root the server runs as the
 * `postgres` user (through runuser), owning the temp dir.
 */
export interface PostgresServer {
  readonly port: number;
  /** The URL of `database` on this server, as the superuser `postgres` (trust authentication). */
  url(database: string): string;
  /** Creates an empty database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** Stops the server: `immediate` is a crash (no shutdown checkpoint), `fast` a clean stop. */
  stop(mode?: 'immediate' | 'fast'): Promise<void>;
  /** Starts it again, on the same port and data directory. */
  start(): Promise<void>;
  /** Stops it and removes its files. */
  dispose(): Promise<void>;
}

const asRoot = process.getuid?.() === 0;
const as = (program: string, args: readonly string[]): [string, string[]] =>
  asRoot
    ? ['runuser', ['-u', 'postgres', '--', join(BIN, program), ...args]]
    : [join(BIN, program), [...args]];

async function pgRun(program: string, args: readonly string[]): Promise<void> {
  const [file, argv] = as(program, args);
  try {
    await run(file, argv, { timeout: 60_000 });
  } catch (err) {
    const { stderr } = err as { stderr?: string };
    throw new Error(`${program} ${args.join(' ')} failed: ${stderr ?? String(err)}`, { cause: err });
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (typeof address === 'object' && address !== null) resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

export async function startPostgresServer(): Promise<PostgresServer> {
  const root = await mkdtemp(join(tmpdir(), 'tickflow-pg-'));
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    await chown(root, uid, gid);
  }
  const data = join(root, 'data');
  const port = await freePort();
  await pgRun('initdb', [
    '-D',
    data,
    '-A',
    'trust',
    '-U',
    'postgres',
    '--no-sync',
    '-E',
    'UTF8',
    '--locale=C.UTF-8',
  ]);
  const options = `-p ${port} -h 127.0.0.1 -k ${root} -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  const start = () =>
    pgRun('pg_ctl', ['-D', data, '-l', join(root, 'log'), '-w', '-t', '60', '-o', options, 'start']);
  const stop = (mode: 'immediate' | 'fast' = 'fast') =>
    pgRun('pg_ctl', ['-D', data, '-m', mode, '-w', 'stop']);
  // A test process that dies must not leave its server running.
  const onExit = (): void => {
    const [file, argv] = as('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']);
    try {
      execFileSync(file, argv, { stdio: 'ignore' });
    } catch {
      // Already stopped.
    }
  };
  await start();
  process.once('exit', onExit);
  const url = (database: string) => `postgres://postgres@127.0.0.1:${port}/${encodeURIComponent(database)}`;
  return {
    port,
    url,
    async createDatabase(name) {
      const admin = new pg.Client({ connectionString: url('postgres') });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE "${name}"`);
      } finally {
        await admin.end();
      }
      return url(name);
    },
    stop,
    start,
    async dispose() {
      process.removeListener('exit', onExit);
      await stop('immediate').catch(() => undefined);
      await rm(root, { recursive: true, force: true });
    },
  };
}
