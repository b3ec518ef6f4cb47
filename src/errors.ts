/**
 * Every error tickflow raises on purpose carries a stable code, a retriable flag and, where it came from
 * another error, that error as `cause`. Codes are part of the contract: logs, metrics and the API use them.
 */
export interface ErrorOptions {
  readonly retriable?: boolean;
  readonly cause?: unknown;
  /** HTTP status the API answers with when this error reaches a client. */
  readonly statusCode?: number;
}

export class TickflowError extends Error {
  readonly code: string;
  readonly retriable: boolean;
  readonly statusCode: number;

  constructor(code: string, message: string, options: ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TickflowError';
    this.code = code;
    this.retriable = options.retriable ?? false;
    this.statusCode = options.statusCode ?? 500;
  }
}

/** Bad user input: a tick, a flag, a query parameter. Never retriable. */
export class InvalidInputError extends TickflowError {
  readonly field: string;

  constructor(code: string, field: string, reason: string) {
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
