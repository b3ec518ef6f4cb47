import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ERROR, type LogLine } from '../support/recording-logger.js';
import { tempDir } from './log-harness.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURE = fileURLToPath(new URL('./fixtures/fill-disk.ts', import.meta.url));
/** Ten 931-byte frames fit; the eleventh does not, a 36-byte one still does. */
const FILE_SIZE_LIMIT = 10_000;

interface Result {
  readonly ok: number;
  readonly failed: number;
  readonly whileFailing: string;
  readonly afterwards: string;
}

/** Runs the fixture with a real file size limit; returns its log lines and its result. */
function fillDisk(dir: string): Promise<{ lines: LogLine[]; result: Result }> {
  const child = spawn(
    'prlimit',
    [`--fsize=${FILE_SIZE_LIMIT}`, process.execPath, '--import', 'tsx', FIXTURE, dir],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) {
        reject(new Error(`fill-disk exited with ${code}: ${stderr}`));
        return;
      }
      const parsed = stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as LogLine & { result?: Result });
      const result = parsed.find((l) => l.result !== undefined)?.result;
      if (result === undefined) reject(new Error(`no result: ${stdout}`));
      else resolve({ lines: parsed.filter((l) => l.result === undefined), result });
    });
  });
}

describe('embedded log: writes that fail for real', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  before(async () => ({ dir, cleanup } = await tempDir()));
  after(() => cleanup());

  test('EFBIG under prlimit --fsize: logged once, health down with the reason until a write succeeds, then the recovery is logged with how many failed', async () => {
    const { lines, result } = await fillDisk(join(dir, 'full'));
    assert.equal(result.ok, 10);
    assert.equal(result.failed, 30);
    const failures = lines.filter((l) => l.msg.startsWith('log: a write failed'));
    assert.equal(failures.length, 1, 'one line for 30 failed writes');
    assert.equal(failures[0]!.level, ERROR);
    assert.match(JSON.stringify(failures[0]!.err), /EFBIG/);
    assert.match(
      result.whileFailing,
      /^down: log writes are failing: 30 in a row since \S+; the last: .*EFBIG/,
    );
    assert.equal(result.afterwards, 'up');
    const recovered = lines.filter((l) => l.msg.startsWith('log: writes succeed again'));
    assert.deepEqual(
      recovered.map((l) => l.failedWrites),
      [30],
    );
  });
});
