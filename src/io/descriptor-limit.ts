import { readFileSync } from 'node:fs';

/** The soft limit on open descriptors (RLIMIT_NOFILE) this process runs under. */
export interface DescriptorLimit {
  readonly soft: number;
  /** Where the figure comes from: the kernel's report, or an assumption where there is none. */
  readonly source: 'proc' | 'assumed';
}

const LIMITS_FILE = '/proc/self/limits';

/**
 * Where /proc is missing (macOS, Windows) the limit is taken to be 1024, the usual soft default on Linux:
 * on macOS Node raises its soft limit to the hard one at start (at least 10240 there), and Windows has no
 * such limit, so this only errs on the side of fewer connections.
 */
export const ASSUMED_DESCRIPTOR_LIMIT = 1024;

/** The soft "Max open files" figure of a /proc/<pid>/limits text; undefined when absent or unlimited. */
export function parseSoftDescriptorLimit(limits: string): number | undefined {
  const soft = /^Max open files\s+(\d+)\s/m.exec(limits)?.[1];
  if (soft === undefined) return undefined;
  const n = Number(soft);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/**
 * Reads the soft descriptor limit in force now: after Node's own start-up, which raises the soft limit to
 * the hard one where it can, so this is the figure that counts (`prlimit --nofile=256:256` pins both).
 */
export function readDescriptorLimit(limitsFile = LIMITS_FILE): DescriptorLimit {
  let text: string;
  try {
    text = readFileSync(limitsFile, 'utf8');
  } catch {
    return { soft: ASSUMED_DESCRIPTOR_LIMIT, source: 'assumed' };
  }
  const soft = parseSoftDescriptorLimit(text);
  return soft === undefined
    ? { soft: ASSUMED_DESCRIPTOR_LIMIT, source: 'assumed' }
    : { soft, source: 'proc' };
}
