import type { Logger } from '../logger.js';
import type { Part } from './service.js';

const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

/**
 * A second signal this soon after the first is the same request: a terminal's Ctrl-C reaches every
 * process of the group, and `npm start` forwards its own copy to tickflow a moment later.
 */
export const SAME_REQUEST_MS = 1_000;

/** How long each part still to close gets once the deadline has passed: closing them is not skipped. */
export const AFTER_DEADLINE_MS = 1_000;

/** The exit status of a process ended by `signal`, as shells report it (128 + its number). */
export const signalExitCode = (signal: StopSignal): number => (signal === 'SIGINT' ? 130 : 143);

/**
 * Resolves with the first SIGINT or SIGTERM. From then on, one that comes later than SAME_REQUEST_MS
 * calls `force` with it: the user asks again because the graceful stop takes too long.
 */
export function stopRequested(
  force: (signal: StopSignal) => void,
  clock: () => number = Date.now,
): Promise<StopSignal> {
  return new Promise((resolve) => {
    let first: number | null = null;
    const onSignal = (signal: StopSignal): void => {
      const now = clock();
      if (first === null) {
        first = now;
        resolve(signal);
      } else if (now - first >= SAME_REQUEST_MS) {
        force(signal);
      }
    };
    for (const s of STOP_SIGNALS) process.on(s, onSignal);
  });
}

/**
 * Closes `parts` in reverse order, each given what is left of `deadlineMs` (at least AFTER_DEADLINE_MS).
 * True when all closed cleanly; false when one failed or did not finish in time. A part that misses its
 * time is named in the log and left behind, and the ones after it are still closed: a hung part cannot
 * hold the others open.
 */
export async function closeAll(parts: readonly Part[], logger: Logger, deadlineMs: number): Promise<boolean> {
  const end = Date.now() + deadlineMs;
  let clean = true;
  for (const part of [...parts].reverse()) {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(
        () => {
          resolve('timeout');
        },
        Math.max(AFTER_DEADLINE_MS, end - Date.now()),
      );
    });
    try {
      if ((await Promise.race([part.close(), timedOut])) === 'timeout') {
        clean = false;
        logger.error({ part: part.name, deadlineMs }, 'did not close within the shutdown deadline');
      }
    } catch (err) {
      clean = false;
      logger.error({ err, part: part.name }, 'failed to close cleanly');
    } finally {
      clearTimeout(timer);
    }
  }
  return clean;
}
