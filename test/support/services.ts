// Test access to real Kafka, PostgreSQL and Redis. `npm test` starts a shared set through
// scripts/services.sh and passes its URLs in the environment; a test that stops a server starts a private
// one through the same script, so there is one way to run them, not a second copy here.
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export type ServiceName = 'kafka' | 'postgres' | 'redis';

/** Where each service's address is found: the same variables the tickflow config reads. */
export const SERVICE_ENV = { kafka: 'KAFKA_BROKERS', postgres: 'DATABASE_URL', redis: 'REDIS_URL' } as const;

const SCRIPT = fileURLToPath(new URL('../../scripts/services.sh', import.meta.url));
const run = promisify(execFile);

type Env = Readonly<Record<string, string | undefined>>;

/** Runs scripts/services.sh; rejects with its stderr, which says what went wrong. */
export async function servicesScript(args: readonly string[], env: Env = process.env): Promise<string> {
  try {
    const { stdout } = await run(SCRIPT, args, { env, maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? '';
    throw new Error(`scripts/services.sh ${args.join(' ')} failed: ${stderr.trim() || String(err)}`, {
      cause: err,
    });
  }
}

/** Prints a skip reason so that no one misses it. */
export function shout(message: string): void {
  process.stderr.write(`\n${'#'.repeat(80)}\n# SKIPPED: ${message}\n${'#'.repeat(80)}\n`);
}

/**
 * The URLs of the shared services `npm test` started. When one is missing the test is skipped with a loud
 * message and undefined comes back (so `if (!urls) return;`), or, under CI=true, the test fails.
 */
export function requireServices<N extends ServiceName>(
  t: TestContext,
  names: readonly N[],
  env: Env = process.env,
): Record<N, string> | undefined {
  const missing = names.filter((name) => !env[SERVICE_ENV[name]]);
  if (missing.length === 0) {
    return Object.fromEntries(names.map((name) => [name, env[SERVICE_ENV[name]]])) as Record<N, string>;
  }
  const message =
    `${t.name} needs ${missing.join(', ')}, but ${missing.map((name) => SERVICE_ENV[name]).join(', ')} ` +
    'is not set: run it under `npm test` or `scripts/services.sh run -- <command>`';
  if (env.CI === 'true') throw new Error(`CI=true, so this fails instead of skipping: ${message}`);
  shout(message);
  t.skip(message);
  return undefined;
}

/**
 * For a test's `skip` option: false when this machine can start the services, else why not (printed
 * loudly). Under CI=true a missing prerequisite throws instead, failing the file.
 */
export function cannotStart(names: readonly ServiceName[], env: Env = process.env): string | false {
  try {
    execFileSync(SCRIPT, ['check', ...names], { env, encoding: 'utf8', stdio: 'pipe' });
    return false;
  } catch (err) {
    const why = ((err as { stdout?: string }).stdout ?? String(err)).trim().replaceAll('\n', '; ');
    const message = `cannot start ${names.join(', ')} here: ${why}`;
    if (env.CI === 'true') throw new Error(`CI=true, so this fails instead of skipping: ${message}`);
    shout(message);
    return message;
  }
}

/** A server of a test's own, in its own state dir. */
export interface PrivateServer {
  /** KAFKA_BROKERS, DATABASE_URL or REDIS_URL for it. */
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  /** Stops it, keeping its port and data (Redis keeps nothing: it has no persistence). */
  stop(): Promise<void>;
  /** Brings it back on the same port. */
  start(): Promise<void>;
  /** Stops it and removes its data and state dir. Safe to call twice. */
  close(): Promise<void>;
}

/** Parses `export NAME=value` lines. */
export function parseEnvLines(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^export ([A-Z_]+)=(.*)$/.exec(line);
    if (match) vars[match[1]!] = match[2]!;
  }
  return vars;
}

// Inside the shared set's dir when there is one, so that its `down` also ends servers that a crashed
// test never closed.
function privateParent(): string {
  const shared = process.env.TICKFLOW_SERVICES_DIR;
  const parent = shared === undefined ? tmpdir() : join(shared, 'private');
  mkdirSync(parent, { recursive: true });
  return parent;
}

async function startPrivate(service: ServiceName): Promise<PrivateServer> {
  const dir = await mkdtemp(join(privateParent(), `${service}-`));
  const env = { ...process.env, TICKFLOW_SERVICES_DIR: dir };
  let url: string | undefined;
  try {
    await servicesScript(['up', service], env);
    url = parseEnvLines(await servicesScript(['env'], env))[SERVICE_ENV[service]];
  } finally {
    if (url === undefined) await servicesScript(['down'], env);
  }
  if (url === undefined)
    throw new Error(`scripts/services.sh up ${service} printed no ${SERVICE_ENV[service]}`);
  const port = Number(/:(\d+)(?:\/|$)/.exec(url)?.[1]);
  return {
    url,
    port,
    dir,
    stop: async () => {
      await servicesScript(['stop', service], env);
    },
    start: async () => {
      await servicesScript(['start', service], env);
    },
    close: async () => {
      await servicesScript(['down'], env);
    },
  };
}

/** A private Redis; `url` is a REDIS_URL. */
export const startRedis = (): Promise<PrivateServer> => startPrivate('redis');
/** A private PostgreSQL with a database `tickflow`; `url` is a DATABASE_URL. */
export const startPostgres = (): Promise<PrivateServer> => startPrivate('postgres');
/** A private single-node Kafka; `url` is a KAFKA_BROKERS list. Takes a few seconds. */
export const startKafka = (): Promise<PrivateServer> => startPrivate('kafka');

export interface TestDatabase {
  readonly name: string;
  /** `databaseUrl` with this database in place of its own. */
  readonly url: string;
  /** Drops it, ending any connection still open on it. */
  drop(): Promise<void>;
}

async function psql(databaseUrl: string, sql: string): Promise<void> {
  await servicesScript(['psql', databaseUrl, '-v', 'ON_ERROR_STOP=1', '-qc', sql]);
}

/** A fresh, empty database on the server of `databaseUrl`, so test files never see each other's data. */
export async function createTestDatabase(databaseUrl: string): Promise<TestDatabase> {
  const name = `tf_${randomBytes(6).toString('hex')}`;
  await psql(databaseUrl, `CREATE DATABASE ${name}`);
  const url = new URL(databaseUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => psql(databaseUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

/**
 * The test runner's environment without the servers `services.sh run` exports, so a child process runs on
 * the embedded parts unless its test hands it a server explicitly.
 */
export function embeddedEnv(): NodeJS.ProcessEnv {
  const servers = new Set(['KAFKA_BROKERS', 'DATABASE_URL', 'REDIS_URL']);
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !servers.has(name)));
}
