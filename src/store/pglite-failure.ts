import { describeFailure, sqlStateOf } from './failure-description.js';

/**
 * When a PGlite engine is broken: only a new engine, started from the data directory, can then be trusted.
 *
 * PGlite runs PostgreSQL on an Emscripten file system that keeps, in memory, a table of the files it knows.
 * Creating a file adds the entry first and the file on disk second. When the second step fails (EMFILE at
 * the descriptor limit), the entry stays, naming a file that does not exist, and every later creation of
 * that file fails with `could not create file ...: File exists` (58P02), however many descriptors are
 * free. What is on disk is sound: PostgreSQL wrote every commit to its WAL, so a new engine on the same
 * directory sees every committed transaction, and none of a failed one.
 */

/** SQLSTATEs of the engine's own resources failing: class 53 (disk, memory, files), class 58 (I/O, a file
 * missing or left behind) and XX000 (internal error). Corruption (XX001, XX002) is not cured by a restart. */
const isEngineState = (state: string): boolean =>
  state.startsWith('53') || state.startsWith('58') || state === 'XX000';

/** PGlite after close(): not broken, just closed. */
const CLOSED = /^PGlite is clos/;

/** A transaction failed, and so did its ROLLBACK: the engine may still be inside it. */
export class RollbackFailure extends Error {
  constructor(failure: unknown, rollback: unknown) {
    super(
      `a transaction failed (${describeFailure(failure)}) and so did its rollback (${describeFailure(rollback)})`,
      { cause: rollback },
    );
    this.name = 'RollbackFailure';
  }
}

/** A transaction found the engine already inside another one that had written: a rollback that did not happen. */
export class LeftoverTransaction extends Error {
  constructor(xid: string) {
    super(`the engine was still inside transaction ${xid}, which had written; it was rolled back`);
    this.name = 'LeftoverTransaction';
  }
}

/**
 * Whether a failure that came from the engine means it is broken: the SQLSTATEs above, a failed rollback,
 * a leftover transaction, and anything that is not an SQL error (its runtime threw, leaving its state
 * unknown). Every other SQL error is an ordinary one, and PGlite being closed is not a breakdown.
 */
export function isEngineBroken(err: unknown): boolean {
  if (err instanceof RollbackFailure || err instanceof LeftoverTransaction) return true;
  const state = sqlStateOf(err);
  if (state !== undefined) return isEngineState(state);
  return !(err instanceof Error && CLOSED.test(err.message));
}
