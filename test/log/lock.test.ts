import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { EmbeddedLog } from '../../src/log/embedded-log.js';
import { silentLogger } from '../../src/logger.js';
import { code, openLog, tempDir } from './log-harness.js';

/** Starts a child process that lives until killed; resolves with it once it runs. */
async function sleeper(): Promise<{ pid: number; kill: () => Promise<void> }> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000); console.log("up")'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  await new Promise((resolve) => child.stdout.once('data', resolve));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    pid: child.pid!,
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

describe('embedded log: directory lock', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  before(async () => ({ dir, cleanup } = await tempDir()));
  after(() => cleanup());

  test('a second open of the same directory in this process is refused until the first closes', async () => {
    const path = join(dir, 'same-process');
    const first = await openLog(path);
    const second = new EmbeddedLog(path, silentLogger());
    const err = await second.start().catch((e: unknown) => e);
    assert.ok(code('TF_LOG_LOCKED')(err));
    assert.match((err as Error).message, new RegExp(`process ${process.pid}`));
    await first.close();
    await assert.rejects(stat(join(path, 'LOCK')), { code: 'ENOENT' });
    const third = await openLog(path);
    assert.equal((await readFile(join(path, 'LOCK'), 'utf8')).trim(), String(process.pid));
    await third.close();
  });

  test('a lock held by a live process is refused with its pid; once that process is gone it is taken over', async () => {
    const path = join(dir, 'other-process');
    await mkdir(path, { recursive: true });
    const other = await sleeper();
    try {
      await writeFile(join(path, 'LOCK'), `${other.pid}\n`);
      const err = await openLog(path).catch((e: unknown) => e);
      assert.ok(code('TF_LOG_LOCKED')(err));
      assert.match((err as Error).message, new RegExp(`process ${other.pid}\\b`));
    } finally {
      await other.kill();
    }
    const log = await openLog(path);
    assert.equal((await readFile(join(path, 'LOCK'), 'utf8')).trim(), String(process.pid));
    await log.close();
  });
});
