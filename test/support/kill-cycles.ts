import { readFile } from 'node:fs/promises';
import { seededRandom } from '../../src/lib/seeded-random.js';
import type { TickflowProcess } from './tickflow-process.js';

/** When to kill: `kills` delays after each incarnation's start-up line, drawn in [minMs, maxMs) from a seed. */
export interface KillPlan {
  readonly seed: number;
  readonly kills: number;
  readonly minMs: number;
  readonly maxMs: number;
}

/** What one killed incarnation did. */
export interface KilledIncarnation {
  readonly pid: number;
  /** How long it took to print its start-up line. */
  readonly startedInMs: number;
  /** How long after its start-up line it was killed. */
  readonly killedAfterMs: number;
  /** Its peak resident set size (VmHWM) just before the kill, in MiB. */
  readonly peakRssMiB: number;
}

/** The plan's kill moments: the same seed always gives the same delays. */
export function killDelays(plan: KillPlan): number[] {
  const random = seededRandom(plan.seed);
  return Array.from({ length: plan.kills }, () =>
    Math.floor(plan.minMs + random() * (plan.maxMs - plan.minMs)),
  );
}

/** A live process's peak resident set size so far (VmHWM in /proc/PID/status), in MiB. */
export async function peakRssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = /^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1];
  if (kib === undefined) throw new Error(`no VmHWM in /proc/${pid}/status`);
  return Math.round((Number(kib) / 1024) * 10) / 10;
}

/**
 * Starts an incarnation with `start`, lets it run for the plan's next delay, reads its peak RSS and kills
 * it with SIGKILL; as many times as the plan says, each on whatever state the previous one left. `report`
 * hears of each kill as it happens, so a failure later on still shows the moments that led to it.
 */
export async function killRepeatedly(
  plan: KillPlan,
  start: () => Promise<TickflowProcess>,
  report: (line: string) => void,
): Promise<KilledIncarnation[]> {
  const delays = killDelays(plan);
  report(`kill plan: seed ${plan.seed}, ${plan.kills} kills at ${delays.join(', ')} ms after each start-up`);
  const killed: KilledIncarnation[] = [];
  for (const [i, delay] of delays.entries()) {
    const spawnedAt = Date.now();
    const incarnation = await start();
    const startedInMs = Date.now() - spawnedAt;
    const pid = incarnation.child.pid;
    if (pid === undefined) throw new Error('the incarnation has no pid');
    await new Promise((resolve) => setTimeout(resolve, delay));
    const rss = await peakRssMiB(pid);
    await incarnation.stop('SIGKILL');
    killed.push({ pid, startedInMs, killedAfterMs: delay, peakRssMiB: rss });
    report(
      `kill ${i + 1}/${plan.kills}: pid ${pid} (up in ${startedInMs} ms) after ${delay} ms, peak RSS ${rss} MiB`,
    );
  }
  return killed;
}
