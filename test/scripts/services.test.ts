import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { cannotStart, parseEnvLines } from '../support/services.js';
import { accepts, redisCommand } from '../support/wire-probes.js';

const SCRIPT = fileURLToPath(new URL('../../scripts/services.sh', import.meta.url));

interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs scripts/services.sh and resolves with its exit code and output, whatever the code. */
function services(args: readonly string[], env: Record<string, string | undefined> = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(SCRIPT, args, { env: { ...process.env, ...env } }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

const made: string[] = [];
after(() => Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true }))));

async function freshDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tf-services-test-'));
  made.push(dir);
  return dir;
}

describe('scripts/services.sh', { skip: cannotStart(['redis']) }, () => {
  test('up, env, status, stop, start, down in a state dir of its own; down twice is harmless', async () => {
    const dir = join(await freshDir(), 'state');
    const env = { TICKFLOW_SERVICES_DIR: dir };
    assert.equal((await services(['up', 'redis'], env)).code, 0);

    const printed = (await services(['env'], env)).stdout;
    const vars = parseEnvLines(printed);
    assert.equal(vars.TICKFLOW_SERVICES_DIR, dir);
    assert.match(vars.REDIS_URL ?? '', /^redis:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(vars.KAFKA_BROKERS, undefined, 'only what was asked for is started');
    assert.equal(await redisCommand(vars.REDIS_URL!, 'PING'), '+PONG');
    const port = Number(vars.REDIS_URL!.split(':').pop());

    assert.equal((await services(['stop', 'redis'], env)).code, 0);
    assert.match((await services(['status'], env)).stdout, new RegExp(`redis: stopped \\(port ${port}\\)`));
    assert.equal(await accepts(port), false);
    assert.equal((await services(['start', 'redis'], env)).code, 0);
    assert.equal(await redisCommand(vars.REDIS_URL!, 'PING'), '+PONG');

    assert.equal((await services(['down'], env)).code, 0);
    assert.equal(existsSync(dir), false);
    assert.equal(await accepts(port), false);
    assert.equal((await services(['down'], env)).code, 0);
    assert.equal((await services(['env'], env)).stdout, '');
  });

  test('run exports the env to the command, propagates its exit code and downs afterwards', async () => {
    const out = join(await freshDir(), 'seen');
    const outcome = await services(['run', 'redis', '--', 'sh', '-c', `env > ${out}; exit 5`]);
    assert.equal(outcome.code, 5);
    const seen = parseEnvLines(
      (await readFile(out, 'utf8'))
        .split('\n')
        .map((line) => `export ${line}`)
        .join('\n'),
    );
    assert.match(seen.REDIS_URL ?? '', /^redis:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(existsSync(seen.TICKFLOW_SERVICES_DIR!), false, 'the state dir is gone');
    assert.equal(await accepts(Number(seen.REDIS_URL!.split(':').pop())), false);
  });

  test('down also ends the private sets started inside the state dir', async () => {
    const dir = join(await freshDir(), 'state');
    const nested = join(dir, 'private', 'redis-x');
    assert.equal((await services(['up', 'redis'], { TICKFLOW_SERVICES_DIR: nested })).code, 0);
    const url = parseEnvLines((await services(['env'], { TICKFLOW_SERVICES_DIR: nested })).stdout).REDIS_URL!;
    assert.equal((await services(['down'], { TICKFLOW_SERVICES_DIR: dir })).code, 0);
    assert.equal(existsSync(dir), false);
    assert.equal(await accepts(Number(url.split(':').pop())), false);
  });

  test('a missing prerequisite: a loud warning and exit 3, but under CI=true exit 1', async () => {
    const dir = join(await freshDir(), 'state');
    const env = { TICKFLOW_SERVICES_DIR: dir, TICKFLOW_PG_BIN: '/nonexistent', CI: '' };
    const skipped = await services(['up', 'postgres', 'redis'], env);
    assert.equal(skipped.code, 3);
    assert.match(skipped.stderr, /PREREQUISITES MISSING, NOT started: postgres/);
    assert.match(skipped.stderr, /initdb .*not found in \/nonexistent/);
    assert.match(skipped.stderr, /tests that need postgres are SKIPPED/);
    const vars = parseEnvLines((await services(['env'], env)).stdout);
    assert.equal(vars.DATABASE_URL, undefined);
    assert.ok(vars.REDIS_URL, 'the others still start');
    assert.equal((await services(['down'], env)).code, 0);

    const failed = await services(['run', 'postgres', '--', 'true'], { ...env, CI: 'true' });
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /CI=true: this is an error/);
  });

  test('free ports are reserved until down releases them', async () => {
    const dir = join(await freshDir(), 'state');
    const env = { TICKFLOW_SERVICES_DIR: dir };
    assert.equal((await services(['up', 'redis'], env)).code, 0);
    const port = parseEnvLines((await services(['env'], env)).stdout)
      .REDIS_URL!.split(':')
      .pop()!;
    const reservations = join(tmpdir(), 'tickflow-ports');
    assert.equal(await readFile(join(reservations, port), 'utf8'), dir);
    await services(['down'], env);
    assert.equal((await readdir(reservations)).includes(port), false);
  });

  test('rejects an unknown service or command', async () => {
    const dir = join(await freshDir(), 'state');
    const unknown = await services(['up', 'mysql'], { TICKFLOW_SERVICES_DIR: dir });
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /unknown service 'mysql'/);
    assert.equal(existsSync(dir), false, 'nothing is set up');
    assert.equal((await services(['frobnicate'])).code, 1);
  });
});
