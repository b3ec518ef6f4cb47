import { TickflowError } from '../errors.js';

/** Codes the log raises; part of the contract (the Kafka adapter reuses them). */
export type LogErrorCode =
  | 'TF_LOG_LOCKED'
  | 'TF_LOG_UNAVAILABLE'
  | 'TF_LOG_IO'
  | 'TF_LOG_CORRUPT'
  | 'TF_LOG_INVALID_TOPIC'
  | 'TF_LOG_UNKNOWN_TOPIC'
  | 'TF_LOG_PARTITION_MISMATCH'
  | 'TF_LOG_INVALID_RECORD'
  | 'TF_LOG_RECORD_TOO_LARGE'
  | 'TF_LOG_INVALID_ARGUMENT'
  | 'TF_LOG_CONSUMER_CLOSED'
  | 'TF_LOG_CONSUMER_BUSY';

export class LogError extends TickflowError {
  declare readonly code: LogErrorCode;

  constructor(code: LogErrorCode, message: string, cause?: unknown) {
    // Status and flag from the registry: only TF_LOG_UNAVAILABLE and TF_LOG_IO mean "try again later".
    super(code, message, { cause });
    this.name = 'LogError';
  }
}

/** TF_LOG_LOCKED: another process (or another EmbeddedLog in this one) has the directory open. */
export function logLocked(path: string, ownerPid: number | null): LogError {
  const who = ownerPid === null ? 'another process' : `process ${ownerPid}`;
  return new LogError(
    'TF_LOG_LOCKED',
    `log directory is in use by ${who} (lock file ${path}); stop it or use another data directory`,
  );
}
