import { readFile, rm } from 'node:fs/promises';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitFor } from '../../test/support/wait.js';

const MB = 1024 * 1024;
const mb = (bytes: number): number => Math.round((bytes / MB) * 10) / 10;

/** The kernel's view of a process's memory, in MB: resident now, and the peak resident since it started. */
export interface ResidentMemory {
  readonly rss_mb: number;
  readonly peak_rss_mb: number;
}

/** VmRSS and VmHWM of /proc/<pid>/status. */
export async function residentMemory(pid: number): Promise<ResidentMemory> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
  return { rss_mb: mb(kb('VmRSS') * 1024), peak_rss_mb: mb(kb('VmHWM') * 1024) };
}

/** The environment that makes a Node process answer `heapAfterGc` (see memory-probe.mjs). */
export function memoryProbeEnv(file: string): Record<string, string> {
  const probe = fileURLToPath(new URL('memory-probe.mjs', import.meta.url));
  return { NODE_OPTIONS: `--expose-gc --import ${probe}`, BENCH_MEMORY_FILE: file };
}

export interface HeapMemory {
  readonly rss_mb: number;
  readonly heap_used_mb: number;
  /** Buffers and other memory V8 holds outside its heap (socket buffers among them). */
  readonly external_mb: number;
}

/** Asks a process started with `memoryProbeEnv(file)` to collect garbage and say what it holds. */
export async function heapAfterGc(child: ChildProcess, file: string): Promise<HeapMemory> {
  await rm(file, { force: true });
  child.kill('SIGUSR2');
  const text = await waitFor('the memory probe', async () => {
    try {
      return await readFile(file, 'utf8');
    } catch {
      return undefined;
    }
  });
  const usage = JSON.parse(text) as NodeJS.MemoryUsage;
  return { rss_mb: mb(usage.rss), heap_used_mb: mb(usage.heapUsed), external_mb: mb(usage.external) };
}

const SETTLE_STEP_MS = 2_000;
const SETTLE_TRIES = 10;
const SETTLED_MB = 2;

/**
 * `heapAfterGc` once two probes `SETTLE_STEP_MS` apart differ by under 2 MB of RSS: the embedded server
 * frees hundreds of MB of PGlite's start-up buffers in its first seconds, which a baseline taken at once
 * would count against what comes after.
 */
export async function settledHeap(child: ChildProcess, file: string): Promise<HeapMemory> {
  let last = await heapAfterGc(child, file);
  for (let i = 0; i < SETTLE_TRIES; i++) {
    await new Promise((resolve) => setTimeout(resolve, SETTLE_STEP_MS));
    const next = await heapAfterGc(child, file);
    if (Math.abs(next.rss_mb - last.rss_mb) < SETTLED_MB) return next;
    last = next;
  }
  return last;
}
