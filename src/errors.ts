import { ERROR_CODES, type ErrorCode } from './error-codes.js';

/**
 * Every error tickflow raises on purpose carries a stable code, a retriable flag and, where it came from
 * another error, that error as `cause`. Codes are part of the contract: logs, metrics and the API use them.
 * The code is one of the registry's (src/error-codes.ts), which gives the defaults of the status and flag.
 */
export interface ErrorOptions {
  /** Overrides the registry's flag, where this occurrence differs (a query that a retry can fix). */
  readonly retriable?: boolean;
  readonly cause?: unknown;
  /** HTTP status the API answers with when this error reaches a client; the registry's by default. */
  readonly statusCode?: number;
}

export class TickflowError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;
  readonly statusCode: number;

  constructor(code: ErrorCode, message: string, options: ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TickflowError';
    this.code = code;
    this.retriable = options.retriable ?? ERROR_CODES[code].retriable;
    this.statusCode = options.statusCode ?? ERROR_CODES[code].status;
  }
}

/** Bad user input: a tick, a flag, a query parameter. Never retriable. */
export class InvalidInputError extends TickflowError {
  readonly field: string;

  constructor(code: ErrorCode, field: string, reason: string) {
    super(code, `${field}: ${reason}`, { statusCode: 400 });
    this.name = 'InvalidInputError';
    this.field = field;
  }
}

/** The configuration has one or more violations; all of them are listed at once. */
export class ConfigError extends TickflowError {
  readonly violations: readonly string[];

  constructor(violations: readonly string[]) {
    super('TF_CONFIG_INVALID', `invalid configuration:\n  - ${violations.join('\n  - ')}`);
    this.name = 'ConfigError';
    this.violations = violations;
  }
}

/** A checkpoint that this version cannot restore, or that was written for other operator settings. */
export class CheckpointError extends TickflowError {
  constructor(reason: string, cause?: unknown) {
    super('TF_CHECKPOINT_INCOMPATIBLE', `cannot restore checkpoint: ${reason}`, { cause });
    this.name = 'CheckpointError';
  }
}

/** The message of anything thrown: an Error's message, or the value as text. */
export const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export const isTickflowError = (err: unknown): err is TickflowError => err instanceof TickflowError;
