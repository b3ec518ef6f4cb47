import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { describeFailure } from './failure-description.js';

/**
 * Starting and stopping PGlite engines, so that a failure leaves nothing behind.
 *
 * - PGlite's engine files are read and compiled once per process and handed to every start. Left to
 *   itself, PGlite reads them on each start and leaves the read's rejection unhandled when it fails (EMFILE
 *   at the descriptor limit), which ends the process. With them in memory, a restart reads nothing from the
 *   package.
 * - A start that fails is torn down: its files are closed and its runtime exited. Otherwise each failed
 *   start keeps the descriptors it opened and about 150 MB of WebAssembly memory, for good.
 * - PGlite says only "PGlite failed to initialize properly"; the engine's last lines on stderr say why.
 */

/** Node's WebAssembly global and the engine's runtime, which this project's ES-only lib does not type. */
const { WebAssembly: wasmApi } = globalThis as unknown as {
  WebAssembly: { compile(bytes: Uint8Array): Promise<object> };
};
interface EngineRuntime {
  readonly FS: { quit(): void };
  _emscripten_force_exit(status: number): void;
}

interface Artifacts {
  readonly fsBundle: Blob;
  readonly pgliteWasmModule: object;
}

/** Lines of a start's stderr kept to explain its failure. */
const STDERR_LINES = 4;
/** The timestamp and pid PostgreSQL puts before each log line. */
const LOG_PREFIX = /^\S+ \S+ \S+ \[\d+\] /;
/** What every start says, failed or not. */
const ROUTINE = /skipping missing configuration file/;
/** Errnos the engine's messages name in words. */
const ERRNO_WORDS: readonly (readonly [RegExp, string])[] = [
  [/No space left on device/, 'ENOSPC'],
  [/Disk quota exceeded/, 'EDQUOT'],
  [/Too many open files|No file descriptors available/, 'EMFILE'],
];

/** A start that failed, with the engine's last words; `code` is the errno they name, if any. */
class EngineStartFailure extends Error {
  readonly code: string | undefined;

  constructor(cause: unknown, said: readonly string[]) {
    super(`${describeFailure(cause)}; the engine said: ${said.join(' | ')}`, { cause });
    this.name = 'EngineStartFailure';
    this.code = ERRNO_WORDS.find(([words]) => said.some((line) => words.test(line)))?.[1];
  }
}

let artifacts: Promise<Artifacts> | undefined;

async function loadArtifacts(): Promise<Artifacts> {
  const path = (name: string): string => fileURLToPath(import.meta.resolve(`@electric-sql/pglite/${name}`));
  const [data, wasm] = await Promise.all([readFile(path('pglite.data')), readFile(path('pglite.wasm'))]);
  return { fsBundle: new Blob([data]), pgliteWasmModule: await wasmApi.compile(wasm) };
}

/** The engine files, loaded on first use; a failed load is tried again by the next caller. */
function engineArtifacts(): Promise<Artifacts> {
  artifacts ??= loadArtifacts().catch((err: unknown) => {
    artifacts = undefined;
    throw err;
  });
  return artifacts;
}

/** Closes what a PGlite that did not start, or did not close, still holds. */
function tearDown(db: PGlite): void {
  // `Module` is unset when the start failed before the engine was loaded, or after close.
  const mod = db.Module as unknown as EngineRuntime | undefined;
  try {
    mod?.FS.quit();
  } catch {
    // A file that would not close stops the others closing; the runtime must still exit.
  }
  try {
    mod?._emscripten_force_exit(0);
  } catch {
    // Exiting throws ExitStatus(0) by design; PGlite's own close ignores it too.
  }
}

/** Starts PGlite on `dir` (running initdb if it holds no database). */
export async function startEngine(dir: string): Promise<PGlite> {
  const said: string[] = [];
  let starting = true;
  const onStderr = (line: string): boolean => {
    if (starting && !ROUTINE.test(line) && said.push(line.replace(LOG_PREFIX, '')) > STDERR_LINES) {
      said.shift();
    }
    return false;
  };
  const db = new PGlite(dir, { ...(await engineArtifacts()), onStderr });
  try {
    await db.waitReady;
    return db;
  } catch (err) {
    tearDown(db);
    throw said.length === 0 ? err : new EngineStartFailure(err, said);
  } finally {
    starting = false;
  }
}

/** Closes an engine, which may be broken; once it settles, the engine holds no file and no memory. */
export async function stopEngine(db: PGlite): Promise<void> {
  try {
    await db.close();
  } catch (err) {
    tearDown(db);
    throw err;
  }
}
