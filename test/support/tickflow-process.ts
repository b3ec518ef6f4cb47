import { embeddedEnv } from './services.js';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { BIN } from './cli.js';
import { waitFor } from './wait.js';

export interface TickflowProcess {
  readonly child: ChildProcess;
  /** The API base URL from the start-up line ('' for a command without the API). */
  readonly url: string;
  readonly output: { stdout: string; stderr: string };
  /** Sends a signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts the real binary (`node dist/cli/main.js <args>`) with extra environment, and waits for its
 * one-line banner. Output is kept for assertions and failure messages.
 */
export async function startTickflow(
  args: readonly string[],
  env: Readonly<Record<string, string>>,
  timeoutMs = 30_000,
): Promise<TickflowProcess> {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...embeddedEnv(), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    output.stdout += d;
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    output.stderr += d;
  });
  const exited = once(child, 'exit');
  const url = await waitFor(
    'the start-up line',
    () => {
      if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}: ${output.stderr}`);
      if (!output.stdout.includes('\n')) return undefined;
      return /(?:dashboard|API) at (http:\/\/\S+)/.exec(output.stdout)?.[1] ?? '';
    },
    timeoutMs,
  );
  return {
    child,
    url,
    output,
    stop: async (signal: NodeJS.Signals = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
      return child.exitCode;
    },
  };
}
