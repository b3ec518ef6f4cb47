// Real file systems for disk-fault tests: a size-limited tmpfs, a disk that fills up and can be made
// read-only. It needs root; `cannotMount` says when this machine cannot make one.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { shout } from './services.js';

const run = promisify(execFile);

/**
 * Unmounts `dir`; if a process still holds files there (a test that timed out), detaches it lazily, so the
 * kernel frees it when the last file closes and nothing is left mounted.
 */
async function umount(dir: string): Promise<void> {
  await sh('umount', [dir]).catch(() => sh('umount', ['-l', dir]));
}

/** Runs a system command; rejects with its stderr, which says what went wrong. */
async function sh(command: string, args: readonly string[]): Promise<string> {
  try {
    return (await run(command, args, { encoding: 'utf8' })).stdout;
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? '';
    throw new Error(`${command} ${args.join(' ')} failed: ${stderr.trim() || String(err)}`, { cause: err });
  }
}

/** Tries the whole round trip once: mount, remount read-only, unmount. */
function probe(): void {
  const dir = mkdtempSync(join(tmpdir(), 'tickflow-mount-probe-'));
  const sync = (command: string, args: readonly string[]): string =>
    execFileSync(command, args, { encoding: 'utf8', stdio: 'pipe' });
  try {
    sync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir]);
    try {
      sync('mount', ['-o', 'remount,ro', dir]);
    } finally {
      sync('umount', [dir]);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * For a test's `skip` option: false when this machine can mount a tmpfs, else why not (printed loudly).
 * Under CI=true it throws instead, failing the file.
 */
export function cannotMount(env = process.env): string | false {
  try {
    probe();
    return false;
  } catch (err) {
    const why = ((err as { stderr?: string }).stderr ?? String(err)).trim().replaceAll('\n', '; ');
    const message = `cannot mount a tmpfs here (it needs root): ${why}`;
    if (env.CI === 'true') throw new Error(`CI=true, so this fails instead of skipping: ${message}`);
    shout(message);
    return message;
  }
}

/** A tmpfs of a test's own; `unmount` is safe to call twice and removes its temp dir. */
export interface Tmpfs {
  /** The mount point. */
  readonly dir: string;
  unmount(): Promise<void>;
  /** `mount -o remount,<options>`: `size=64m`, `ro`, `rw`. */
  remount(options: string): Promise<void>;
  /** Bytes free, as df counts them. */
  available(): Promise<number>;
}

/** A fresh tmpfs of `size` (`8m`) on a new temp dir. */
export async function mountTmpfs(size: string): Promise<Tmpfs> {
  const parent = await mkdtemp(join(tmpdir(), 'tickflow-tmpfs-'));
  const dir = join(parent, 'mnt');
  await mkdir(dir);
  await sh('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
  let mounted = true;
  return {
    dir,
    remount: async (options) => {
      await sh('mount', ['-o', `remount,${options}`, dir]);
    },
    available: async () => Number((await sh('df', ['-B1', '--output=avail', dir])).trim().split('\n')[1]),
    unmount: async () => {
      if (mounted) await umount(dir);
      mounted = false;
      await rm(parent, { recursive: true, force: true });
    },
  };
}
