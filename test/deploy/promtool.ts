import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface Outcome {
  readonly code: number;
  readonly output: string;
}

/** Runs promtool in the repository's root; rejects, saying how to install it, when it is missing. */
export function promtool(args: readonly string[]): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    execFile('promtool', args, { cwd: ROOT, timeout: 60_000 }, (err, stdout, stderr) => {
      if (err !== null && err.code === 'ENOENT') {
        reject(new Error('promtool is missing: run scripts/install-promtool.sh (Debian prometheus package)'));
        return;
      }
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

/** Runs promtool and asserts it exits 0, showing its output when it does not; resolves with the output. */
export async function assertPromtoolPasses(args: readonly string[]): Promise<string> {
  const { code, output } = await promtool(args);
  assert.equal(code, 0, `promtool ${args.join(' ')} exited ${code}:\n${output}`);
  return output;
}
