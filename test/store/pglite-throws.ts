import { TransactionAbortedError, protocol } from '@electric-sql/pglite';

/**
 * What PGlite throws, in the shapes captured from real failures: `PGlite.create` on a full 2 MB tmpfs threw
 * `ErrnoError { name: 'ErrnoError', errno: 51 }` (Emscripten's FS.ErrnoError: not an Error, no message),
 * on a regular file `errno: 54`; a commit at the descriptor limit threw a DatabaseError with code 58P02,
 * an insert on a full disk one with code 53100 and hint `Check free disk space.`.
 */
export class ErrnoError {
  readonly name = 'ErrnoError';

  constructor(readonly errno: number) {}
}

/** Emscripten's runtime exiting, as `_emscripten_force_exit` throws it. */
export class ExitStatus {
  readonly name = 'ExitStatus';
  readonly message: string;

  constructor(readonly status: number) {
    this.message = `Program terminated with exit(${status})`;
  }
}

/** PGlite's own DatabaseError, as its protocol parser builds it. */
export function databaseError(
  message: string,
  fields: { readonly code: string; readonly hint?: string },
): Error {
  const err = new protocol.messages.DatabaseError(message, message.length, 'error');
  err.severity = 'ERROR';
  err.code = fields.code;
  err.hint = fields.hint;
  return err;
}

export const fileExists = (): Error =>
  databaseError('could not create file "base/5/16410_fsm": File exists', { code: '58P02' });

export const diskFull = (): Error =>
  databaseError('could not extend file "base/5/16384": No space left on device', {
    code: '53100',
    hint: 'Check free disk space.',
  });

export { TransactionAbortedError };
