/**
 * A throwaway Apache Kafka 4.1.0 broker (KRaft, one node acting as broker and controller) on free
 * loopback ports in a temporary directory, for tests and benchmarks. The jars are fetched once with Maven
 * into `.cache/kafka-4.1.0/` and reused.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, openSync, closeSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const VERSION = '4.1.0';
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CACHE = join(ROOT, '.cache', `kafka-${VERSION}`);
const LIBS = join(CACHE, 'libs');

const POM = `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>tickflow</groupId>
  <artifactId>kafka-jars</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka_2.13</artifactId>
      <version>${VERSION}</version>
    </dependency>
  </dependencies>
</project>
`;

/** Fetches the broker's jars unless they are cached. Test files run in parallel, so the copy is atomic. */
export async function kafkaJars(): Promise<string> {
  if (existsSync(LIBS) && (await readdir(LIBS)).length > 0) return LIBS;
  await mkdir(CACHE, { recursive: true });
  const staging = await mkdtemp(join(CACHE, 'fetch-'));
  try {
    const pom = join(staging, 'pom.xml');
    await writeFile(pom, POM);
    const out = join(staging, 'libs');
    const mvn = spawnSync(
      'mvn',
      ['-q', '-f', pom, 'dependency:copy-dependencies', `-DoutputDirectory=${out}`],
      { encoding: 'utf8' },
    );
    if (mvn.status !== 0) throw new Error(`mvn could not fetch the Kafka jars:\n${mvn.stdout}${mvn.stderr}`);
    await rename(out, LIBS).catch((err: unknown) => {
      if (!existsSync(LIBS)) throw err;
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return LIBS;
}

/** A port nothing listens on now (the OS picks it for a socket bound to port 0). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export interface BrokerOptions {
  /** Extra or overriding server.properties entries. */
  readonly properties?: Readonly<Record<string, string>>;
}

function serverProperties(dir: string, port: number, cport: number, extra: Record<string, string>): string {
  const props: Record<string, string> = {
    'process.roles': 'broker,controller',
    'node.id': '1',
    'controller.quorum.bootstrap.servers': `127.0.0.1:${cport}`,
    listeners: `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${cport}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names': 'CONTROLLER',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'log.dirs': join(dir, 'data'),
    'offsets.topic.replication.factor': '1',
    // One partition for the offsets topic: the default 50 take seconds to create on a small machine.
    'offsets.topic.num.partitions': '1',
    'transaction.state.log.replication.factor': '1',
    'transaction.state.log.min.isr': '1',
    'group.initial.rebalance.delay.ms': '0',
    // Tests expel members quickly; the default minimum session timeout is 6 s.
    'group.min.session.timeout.ms': '1000',
    'auto.create.topics.enable': 'false',
    ...extra,
  };
  return Object.entries(props)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n');
}

function java(libs: string, args: readonly string[]): string {
  const run = spawnSync('java', ['-cp', `${libs}/*`, ...args], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`java ${args.join(' ')} failed:\n${run.stdout}${run.stderr}`);
  return run.stdout.trim();
}

/** Resolves once something accepts TCP connections on the port, or rejects after `timeoutMs`. */
async function waitForPort(port: number, timeoutMs: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`kafka exited with ${child.exitCode} during start`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => {
        resolve(false);
      });
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`kafka did not listen on ${port} within ${timeoutMs} ms`);
}

export class KafkaBroker {
  private child: ChildProcess | null = null;
  private readonly killOnExit = (): void => {
    this.child?.kill('SIGKILL');
  };

  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly libs: string,
  ) {}

  /** `host:port` of the broker, as clients want it. */
  get brokers(): string[] {
    return [`127.0.0.1:${this.port}`];
  }

  /** Formats a fresh broker in a temporary directory and starts it. */
  static async start(options: BrokerOptions = {}): Promise<KafkaBroker> {
    const libs = await kafkaJars();
    const dir = await mkdtemp(join(tmpdir(), 'tickflow-kafka-'));
    const [port, cport] = [await freePort(), await freePort()];
    const config = join(dir, 'server.properties');
    await writeFile(config, serverProperties(dir, port, cport, { ...options.properties }));
    const uuid = java(libs, ['kafka.tools.StorageTool', 'random-uuid']);
    java(libs, ['kafka.tools.StorageTool', 'format', '--standalone', '-t', uuid, '-c', config]);
    const broker = new KafkaBroker(dir, port, libs);
    await broker.resume();
    return broker;
  }

  /** Starts the broker again on the same ports and data (after `stop` or `kill`). */
  async resume(): Promise<void> {
    if (this.child !== null) return;
    const logFd = openSync(join(this.dir, 'kafka.log'), 'a');
    const child = spawn(
      'java',
      ['-Xmx512m', '-cp', `${this.libs}/*`, 'kafka.Kafka', join(this.dir, 'server.properties')],
      { stdio: ['ignore', logFd, logFd] },
    );
    closeSync(logFd);
    this.child = child;
    process.once('exit', this.killOnExit);
    try {
      await waitForPort(this.port, 60_000, child);
    } catch (err) {
      await this.kill();
      throw err;
    }
  }

  /** Stops the broker as an operator would (SIGTERM, controlled shutdown), SIGKILL after `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    const child = this.child;
    if (child === null) return;
    const exited = child.exitCode === null ? once(child, 'exit') : Promise.resolve();
    child.kill('SIGTERM');
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
    }, graceMs);
    await exited;
    clearTimeout(timer);
    this.child = null;
    process.removeListener('exit', this.killOnExit);
  }

  /** Kills the broker at once (kill -9): a crash, or a machine gone. */
  async kill(): Promise<void> {
    await this.stop(0);
  }

  /** Stops the broker and deletes its data. */
  async destroy(): Promise<void> {
    await this.kill();
    await rm(this.dir, { recursive: true, force: true });
  }
}
