import { TickflowError } from '../errors.js';
import { describeFailure, isNoSpace } from './failure-description.js';

/**
 * Codes the store raises; their status, flag and meaning are in the registry (src/error-codes.ts). A
 * fenced writer (TF_STORE_FENCED) wrote nothing and must let the partition go.
 */
export type StoreErrorCode =
  'TF_STORE_UNAVAILABLE' | 'TF_STORE_NO_SPACE' | 'TF_STORE_QUERY' | 'TF_STORE_LOCKED' | 'TF_STORE_FENCED';

export class StoreError extends TickflowError {
  declare readonly code: StoreErrorCode;

  /** Status and flag from the registry; `retriable` overrides it for a query a retry can fix. */
  constructor(code: StoreErrorCode, message: string, options: { retriable?: boolean; cause?: unknown } = {}) {
    super(code, message, options);
    this.name = 'StoreError';
  }
}

export const storeUnavailable = (reason: string, cause?: unknown): StoreError =>
  new StoreError('TF_STORE_UNAVAILABLE', `store unavailable: ${reason}`, { cause });

export const storeNoSpace = (reason: string, cause?: unknown): StoreError =>
  new StoreError(
    'TF_STORE_NO_SPACE',
    `store out of space: ${reason}; free space on the file system of the store's directory`,
    { cause },
  );

/** The store cannot work for now, because of `cause`: TF_STORE_NO_SPACE if the disk is full. */
export const storeOutage = (reason: string, cause: unknown): StoreError =>
  isNoSpace(cause) ? storeNoSpace(reason, cause) : storeUnavailable(reason, cause);

/** An outage (TF_STORE_UNAVAILABLE or TF_STORE_NO_SPACE): retried, and logged when it starts and ends. */
export const isOutage = (err: StoreError): boolean =>
  err.code === 'TF_STORE_UNAVAILABLE' || err.code === 'TF_STORE_NO_SPACE';

/** TF_STORE_LOCKED: another process (or another store in this one) has the embedded store's directory. */
export const storeLocked = (path: string, ownerPid: number | null): StoreError =>
  new StoreError(
    'TF_STORE_LOCKED',
    `store directory is in use by ${ownerPid === null ? 'another process' : `process ${ownerPid}`} (lock file ${path}); ` +
      'stop it, use another data directory, or use PostgreSQL to share the store between processes',
  );

/** A commit carried an epoch that is no longer the partition's: its writer is a zombie. */
export const storeFenced = (
  group: string,
  partition: number,
  held: bigint,
  current: { epoch: string; owner: string } | undefined,
): StoreError =>
  new StoreError(
    'TF_STORE_FENCED',
    `commit for ${group} partition ${partition} refused: this processor holds epoch ${held}, but ` +
      (current === undefined
        ? 'the partition has never been claimed'
        : `${current.owner} has claimed it since (epoch ${current.epoch})`),
  );

/** Node socket errors that mean the server cannot be reached. */
const NETWORK_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * SQLSTATEs meaning the server is unreachable or cannot serve now: connection exceptions (08), too many
 * connections, shutting down or starting up, out of disk or memory.
 */
const isUnavailableState = (state: string): boolean =>
  state.startsWith('08') || ['53000', '53100', '53200', '53300', '57P01', '57P02', '57P03'].includes(state);

/** Serialization failures and deadlocks (class 40) succeed when the transaction is tried again. */
const isRetriableState = (state: string): boolean => state.startsWith('40');

const codeOf = (err: unknown): string =>
  typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string' ? err.code : '';

/** Driver messages (PGlite, node-postgres) that mean the database is closed or its connection is gone. */
const CLOSED_MESSAGE =
  /PGlite is clos|Connection terminated|Client has encountered a connection error|not queryable/i;

/** Wraps a driver error in a StoreError; a StoreError passes through unchanged. */
export function storeError(operation: string, err: unknown): StoreError {
  if (err instanceof StoreError) return err;
  const code = codeOf(err);
  const description = describeFailure(err);
  if (isNoSpace(err)) return storeNoSpace(`${operation}: ${description}`, err);
  if (NETWORK_ERRNOS.has(code) || isUnavailableState(code) || CLOSED_MESSAGE.test(description)) {
    return storeUnavailable(`${operation}: ${description}`, err);
  }
  return new StoreError('TF_STORE_QUERY', `${operation} failed: ${description}`, {
    retriable: isRetriableState(code),
    cause: err,
  });
}
