import { inspect } from 'node:util';

/**
 * Readable text for whatever a database driver throws. PGlite throws more than Errors: its file system
 * throws `ErrnoError { name: 'ErrnoError', errno: 51 }` (no message; Emscripten's errno numbers, not
 * Linux's), its runtime `ExitStatus { status }`, and PostgreSQL errors carry a SQLSTATE and a hint. Each
 * becomes one line naming the errno or SQLSTATE, never `[object Object]`.
 */

/** Emscripten's errno numbers for the failures a file system reports, with their POSIX names. */
const EMSCRIPTEN_ERRNO: Readonly<Record<number, readonly [string, string]>> = {
  2: ['EACCES', 'permission denied'],
  6: ['EAGAIN', 'resource temporarily unavailable'],
  8: ['EBADF', 'bad file descriptor'],
  10: ['EBUSY', 'device or resource busy'],
  19: ['EDQUOT', 'disk quota exceeded'],
  20: ['EEXIST', 'file exists'],
  22: ['EFBIG', 'file too large'],
  28: ['EINVAL', 'invalid argument'],
  29: ['EIO', 'input/output error'],
  31: ['EISDIR', 'is a directory'],
  32: ['ELOOP', 'too many levels of symbolic links'],
  33: ['EMFILE', 'too many open files'],
  37: ['ENAMETOOLONG', 'file name too long'],
  41: ['ENFILE', 'too many open files in system'],
  44: ['ENOENT', 'no such file or directory'],
  48: ['ENOMEM', 'out of memory'],
  51: ['ENOSPC', 'no space left on device'],
  54: ['ENOTDIR', 'not a directory'],
  55: ['ENOTEMPTY', 'directory not empty'],
  63: ['EPERM', 'operation not permitted'],
  69: ['EROFS', 'read-only file system'],
};

const NO_SPACE_ERRNOS = new Set(['ENOSPC', 'EDQUOT']);
/** PostgreSQL's disk_full. */
const DISK_FULL = '53100';
/** How many causes deep a description follows. */
const MAX_DEPTH = 3;

type Bag = Record<string, unknown>;

const isBag = (value: unknown): value is Bag => typeof value === 'object' && value !== null;
const stringField = (value: Bag, key: string): string | undefined =>
  typeof value[key] === 'string' ? value[key] : undefined;

/** PGlite's file-system error: `{ name: 'ErrnoError', errno }`. */
const emscriptenErrno = (err: unknown): number | undefined =>
  isBag(err) && err['name'] === 'ErrnoError' && typeof err['errno'] === 'number' ? err['errno'] : undefined;

/** The POSIX errno name a failure carries (`ENOSPC`), from a Node error or PGlite's file system. */
export function errnoOf(err: unknown): string | undefined {
  const errno = emscriptenErrno(err);
  if (errno !== undefined) return EMSCRIPTEN_ERRNO[errno]?.[0];
  const code = isBag(err) ? stringField(err, 'code') : undefined;
  return code !== undefined && /^E[A-Z0-9]+$/.test(code) ? code : undefined;
}

/** A PostgreSQL error: an Error with a severity and a five-character SQLSTATE. */
export const sqlStateOf = (err: unknown): string | undefined =>
  err instanceof Error && isBag(err) && typeof err['severity'] === 'string'
    ? stringField(err, 'code')
    : undefined;

/** The file system or the database is out of space (or quota), as the failure or one of its causes says. */
export function isNoSpace(err: unknown, depth = 0): boolean {
  if (NO_SPACE_ERRNOS.has(errnoOf(err) ?? '') || sqlStateOf(err) === DISK_FULL) return true;
  return err instanceof Error && depth < MAX_DEPTH && isNoSpace(err.cause, depth + 1);
}

function describeError(err: Error, depth: number): string {
  const bag = err as unknown as Bag;
  const code = stringField(bag, 'code');
  const hint = stringField(bag, 'hint');
  const message = err.message === '' ? `${err.name} with no message` : err.message;
  let text = code === undefined || message.includes(code) ? message : `${message} (${code})`;
  if (hint !== undefined) text += `; hint: ${hint}`;
  if (err.message === '' && err.cause !== undefined && depth < MAX_DEPTH) {
    text += `, caused by ${describe(err.cause, depth + 1)}`;
  }
  return text;
}

function describe(err: unknown, depth: number): string {
  const errno = emscriptenErrno(err);
  if (errno !== undefined) {
    const known = EMSCRIPTEN_ERRNO[errno];
    const where = `errno ${errno} in PGlite's file system`;
    return known === undefined ? `unknown ${where}` : `${known[0]}: ${known[1]} (${where})`;
  }
  if (isBag(err) && err['name'] === 'ExitStatus' && typeof err['status'] === 'number') {
    return `the database engine exited with status ${err['status']}`;
  }
  if (err instanceof Error) return describeError(err, depth);
  if (typeof err === 'string') return err === '' ? 'an empty error' : err;
  if (isBag(err)) {
    const message = stringField(err, 'message');
    if (message !== undefined && message !== '') return message;
    return inspect(err, { depth: 2, breakLength: Infinity }).slice(0, 300);
  }
  return String(err);
}

/** One line for any thrown value: its message with its errno or SQLSTATE, and the hint PostgreSQL gives. */
export const describeFailure = (err: unknown): string => describe(err, 0);
