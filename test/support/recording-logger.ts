import { pino } from 'pino';

export type LogLine = Record<string, unknown> & { readonly level: number; readonly msg: string };

/** A real pino logger that keeps its lines, to check what was logged, at which level and how often. */
export function recordingLogger(level = 'info'): { logger: pino.Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = pino({ level }, { write: (line: string) => lines.push(JSON.parse(line) as LogLine) });
  return { logger, lines };
}

/** pino's number for the error level. */
export const ERROR = 50;
