import { pino } from 'pino';
import type { Tick } from '../../src/domain/tick.js';
import type { Logger } from '../../src/logger.js';
import { sleep, type Sleep } from '../../src/lib/sleep.js';
import type { TickSink } from '../../src/sources/source.js';

/** A sink that keeps every tick handed to it. */
export function collector(): { sink: TickSink; ticks: Tick[]; batches: Tick[][] } {
  const ticks: Tick[] = [];
  const batches: Tick[][] = [];
  return {
    ticks,
    batches,
    sink: (batch) => {
      batches.push([...batch]);
      ticks.push(...batch);
      return Promise.resolve();
    },
  };
}

/** Polls `condition` every 5 ms until it holds; fails after `timeoutMs` naming `what`. */
export async function until(condition: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly [field: string]: unknown;
}

/** A real pino logger whose JSON lines are kept in memory. */
export function captureLogger(): {
  logger: Logger;
  lines: LogLine[];
  at: (level: 'warn' | 'error' | 'info') => LogLine[];
} {
  const lines: LogLine[] = [];
  const logger = pino({ level: 'debug' }, { write: (s: string) => lines.push(JSON.parse(s) as LogLine) });
  const levels = { info: 30, warn: 40, error: 50 };
  return { logger, lines, at: (level) => lines.filter((l) => l.level === levels[level]) };
}

/** A sleep that records every wait it is asked for but waits at most `capMs`, so tests stay fast. */
export function recordingSleep(capMs = 20): { sleep: Sleep; waits: number[] } {
  const waits: number[] = [];
  return {
    waits,
    sleep: (ms, signal) => {
      waits.push(ms);
      return sleep(Math.min(ms, capMs), signal);
    },
  };
}
