import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { embeddedEnv } from '../support/services.js';
import { waitFor } from '../support/wait.js';

const ROOT = join(import.meta.dirname, '..', '..');

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

interface NpmStart {
  readonly npm: ChildProcess;
  /** The tickflow process npm started, from the pid in its first log line. */
  readonly tickflow: number;
  readonly exited: Promise<[number | null, NodeJS.Signals | null]>;
}

/** `npm start` in a process group of its own (as a terminal runs it), once tickflow has printed its banner. */
async function npmStart(dir: string): Promise<NpmStart> {
  const npm = spawn('npm', ['start'], {
    cwd: ROOT,
    detached: true,
    env: {
      ...embeddedEnv(),
      TICKFLOW_DATA_DIR: join(dir, 'data'),
      PORT: '0',
      TICKFLOW_SOURCES: 'simulated',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = once(npm, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  let stdout = '';
  let stderr = '';
  npm.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  npm.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  await waitFor('the banner', () => stdout.includes('dashboard at'), 90_000);
  const first = stderr.split('\n').find((l) => l.startsWith('{'));
  const tickflow = (JSON.parse(first ?? '{}') as { pid?: number }).pid;
  assert.ok(
    tickflow !== undefined && alive(tickflow),
    `tickflow's pid from its log: ${stderr.slice(0, 300)}`,
  );
  return { npm, tickflow, exited };
}

describe('npm start, stopped the way process managers and terminals stop it', () => {
  let dir: string;
  const started: number[] = [];
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tickflow-npm-start-'));
  });
  after(async () => {
    // A failed test must not leave a tickflow behind holding the suite's pipes open.
    for (const pid of started) if (alive(pid)) process.kill(pid, 'SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  test('SIGTERM to npm (Docker, systemd, Kubernetes) stops tickflow itself: exit 0, no process left', async () => {
    const run = await npmStart(join(dir, 'term'));
    started.push(run.tickflow);
    run.npm.kill('SIGTERM');
    const [code, signal] = await run.exited;
    assert.deepEqual([code, signal], [0, null]);
    await waitFor('tickflow to be gone', () => !alive(run.tickflow), 10_000);
  });

  test('Ctrl-C (SIGINT to the whole process group) exits 0 too, and leaves nothing running', async () => {
    const run = await npmStart(join(dir, 'int'));
    started.push(run.tickflow);
    process.kill(-run.npm.pid!, 'SIGINT');
    const [code, signal] = await run.exited;
    assert.deepEqual([code, signal], [0, null]);
    await waitFor('tickflow to be gone', () => !alive(run.tickflow), 10_000);
  });
});
