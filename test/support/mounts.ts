// Real file systems for disk-fault tests: a size-limited tmpfs (a disk that fills up, a mount made
// read-only) and an ext4 image on a loop device (which the kernel itself turns read-only on an error, as it
// does when a disk fails). They need root; `cannotMount` says when this machine cannot make them.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { shout } from './services.js';

const run = promisify(execFile);

export type MountKind = 'tmpfs' | 'ext4';

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

/** Tries the whole round trip once: mount, remount read-only, unmount (and for ext4, the loop device). */
function probe(kinds: readonly MountKind[]): void {
  const dir = mkdtempSync(join(tmpdir(), 'tickflow-mount-probe-'));
  const sync = (command: string, args: readonly string[]): string =>
    execFileSync(command, args, { encoding: 'utf8', stdio: 'pipe' });
  try {
    const point = join(dir, 'mnt');
    sync('mkdir', [point]);
    if (kinds.includes('tmpfs')) {
      sync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', point]);
      try {
        sync('mount', ['-o', 'remount,ro', point]);
      } finally {
        sync('umount', [point]);
      }
    }
    if (kinds.includes('ext4')) {
      const image = join(dir, 'probe.ext4');
      sync('truncate', ['-s', '8M', image]);
      sync('mkfs.ext4', ['-q', '-F', image]);
      const device = sync('losetup', ['-f', '--show', image]).trim();
      try {
        sync('mount', ['-o', 'errors=remount-ro', device, point]);
        try {
          sync('test', ['-w', `/sys/fs/ext4/${basename(device)}/trigger_fs_error`]);
          sync('e2fsck', ['-V']);
        } finally {
          sync('umount', [point]);
        }
      } finally {
        sync('losetup', ['-d', device]);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * For a test's `skip` option: false when this machine can make the mounts, else why not (printed loudly).
 * Under CI=true it throws instead, failing the file.
 */
export function cannotMount(kinds: readonly MountKind[], env = process.env): string | false {
  try {
    probe(kinds);
    return false;
  } catch (err) {
    const why = ((err as { stderr?: string }).stderr ?? String(err)).trim().replaceAll('\n', '; ');
    const message = `cannot mount ${kinds.join(' and ')} here (it needs root and loop devices): ${why}`;
    if (env.CI === 'true') throw new Error(`CI=true, so this fails instead of skipping: ${message}`);
    shout(message);
    return message;
  }
}

/** A mounted file system of a test's own; `unmount` is safe to call twice and removes its temp dir. */
export interface TestMount {
  /** The mount point. */
  readonly dir: string;
  unmount(): Promise<void>;
}

export interface Tmpfs extends TestMount {
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

export interface Ext4Image extends TestMount {
  /**
   * Raises an ext4 error through the kernel's own hook (`/sys/fs/ext4/<dev>/trigger_fs_error`): with
   * `errors=remount-ro` the kernel makes the mount read-only at once, open files included, as it does when
   * a disk fails. It stays so until unmounted: the kernel refuses `remount,rw` after such an error.
   */
  failReadOnly(): Promise<void>;
  /** Whether the kernel has made it read-only. */
  readOnly(): Promise<boolean>;
  /** What an operator does next: unmount, `e2fsck -fy`, mount read-write again. */
  repair(): Promise<void>;
}

/** An ext4 file system of `sizeMb` on a loop device, mounted with `errors=remount-ro` on a new temp dir. */
export async function mountExt4Image(sizeMb: number): Promise<Ext4Image> {
  const parent = await mkdtemp(join(tmpdir(), 'tickflow-ext4-'));
  const dir = join(parent, 'mnt');
  const image = join(parent, 'disk.ext4');
  await mkdir(dir);
  await sh('truncate', ['-s', `${sizeMb}M`, image]);
  await sh('mkfs.ext4', ['-q', '-F', image]);
  const device = (await sh('losetup', ['-f', '--show', image])).trim();
  const mount = (): Promise<string> => sh('mount', ['-o', 'errors=remount-ro', device, dir]);
  let mounted = false;
  let attached = true;
  const unmount = async (): Promise<void> => {
    if (mounted) await umount(dir);
    mounted = false;
    if (attached) await sh('losetup', ['-d', device]);
    attached = false;
    await rm(parent, { recursive: true, force: true });
  };
  try {
    await mount();
    mounted = true;
  } catch (err) {
    await unmount();
    throw err;
  }
  const options = async (): Promise<string[]> => {
    const line = (await sh('findmnt', ['-n', '-o', 'OPTIONS', dir])).trim();
    return line.split(',');
  };
  return {
    dir,
    failReadOnly: async () => {
      await sh('sh', ['-c', `echo disk-fault-test > /sys/fs/ext4/${basename(device)}/trigger_fs_error`]);
    },
    readOnly: async () => {
      const opts = await options();
      return opts.includes('ro') || opts.includes('emergency_ro');
    },
    repair: async () => {
      await sh('umount', [dir]);
      mounted = false;
      // e2fsck exits 1 when it corrected something, as it does after an error.
      await run('e2fsck', ['-fy', device]).catch((err: unknown) => {
        if ((err as { code?: number }).code !== 1) throw err;
      });
      await mount();
      mounted = true;
    },
    unmount,
  };
}
