import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

/** Structured JSON logs on stderr (stdout stays free for command output such as replay's candles). */
export function createLogger(level: string, name = 'tickflow'): Logger {
  return pino({ name, level, base: { pid: process.pid } }, pino.destination({ fd: 2, sync: false }));
}

/** A logger that drops everything, for tests and tools that do not want logs. */
export const silentLogger = (): Logger => pino({ level: 'silent' });
