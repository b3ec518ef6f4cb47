/**
 * The descriptor-exhaustion test's child, run under `prlimit --nofile`: on a new store it commits FIRST,
 * then opens files until EMFILE and commits FAILED (a new symbol, enough candles to need a new file, an
 * alert and a checkpoint), takes what descriptors that frees and tries LAST while they are still short,
 * frees them and retries LAST as the committer would until it goes through or RECOVERY_DEADLINE_MS passes. It prints one JSON line: a
 * `DescriptorReport`. Imported, it gives the parent `commitThroughExhaustion`.
 */
import { execFile } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isTickflowError } from '../../src/errors.js';
import { createPgliteStore } from '../../src/store/pglite-store.js';
import type { CommitBatch, Store } from '../../src/store/store.js';
import { MIN, T0, alert, batch, candle, recordingLogger } from './fixtures.js';

export const DESCRIPTOR_GROUP = 'descriptor-test';
export const DESCRIPTOR_LIMIT = 256;
const RECOVERY_DEADLINE_MS = 5_000;
const RETRY_PAUSE_MS = 100;
/** Time for a broken engine's close to give its descriptors back, before they are taken too. */
const ENGINE_STOP_MS = 300;

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const batchOf = (symbol: string, candles: number, offset: number, alerts = 0): CommitBatch =>
  batch({
    group: DESCRIPTOR_GROUP,
    candles: Array.from({ length: candles }, (_, i) => candle({ symbol, windowStart: T0 + i * MIN })),
    alerts: Array.from({ length: alerts }, (_, i) => alert({ symbol, ts: T0 + i * MIN })),
    checkpoints: [{ partition: 0, nextOffset: BigInt(offset), state: symbol }],
  });

export const FIRST = batchOf('FIRST', 10, 1);
export const FAILED = batchOf('FAILED', 400, 2, 1);
export const LAST = batchOf('LAST', 20, 3);

export interface Outcome {
  readonly ok: boolean;
  readonly code?: string;
  readonly retriable?: boolean;
  readonly message?: string;
}

export interface DescriptorReport {
  readonly failed: Outcome;
  readonly whileExhausted: Outcome;
  /** The last retry of LAST once descriptors were free, and how many it took. */
  readonly recovered: Outcome & { readonly attempts: number };
  /** How often the store logged each message, and the `reopens` count of the last record that has one. */
  readonly logged: Readonly<Record<string, number>>;
  readonly reopens: number | null;
}

async function attempt(store: Store, b: CommitBatch): Promise<Outcome> {
  try {
    await store.commit(b);
    return { ok: true };
  } catch (err) {
    if (!isTickflowError(err)) return { ok: false, message: String(err) };
    return { ok: false, code: err.code, retriable: err.retriable, message: err.message };
  }
}

/** Opens /dev/null until the descriptor limit is reached; returns what it holds. */
function exhaust(held: number[]): number[] {
  try {
    for (;;) held.push(openSync('/dev/null', 'r'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EMFILE') throw err;
  }
  return held;
}

async function run(dir: string): Promise<DescriptorReport> {
  const { logger, records } = recordingLogger();
  const store = createPgliteStore(dir, logger);
  await store.start();
  await store.commit(FIRST);
  const held = exhaust([]);
  const failed = await attempt(store, FAILED);
  await pause(ENGINE_STOP_MS);
  const whileExhausted = await attempt(store, (exhaust(held), LAST));
  for (const fd of held.splice(0)) closeSync(fd);
  const deadline = Date.now() + RECOVERY_DEADLINE_MS;
  let recovered: Outcome = { ok: false };
  let attempts = 0;
  while (!recovered.ok && Date.now() < deadline) {
    if (attempts++ > 0) await pause(RETRY_PAUSE_MS);
    recovered = await attempt(store, LAST);
  }
  await store.close();
  const logged: Record<string, number> = {};
  for (const r of records) logged[String(r['msg'])] = (logged[String(r['msg'])] ?? 0) + 1;
  const counted = records.filter((r) => typeof r['reopens'] === 'number').pop();
  const reopens = (counted?.['reopens'] as number | undefined) ?? null;
  return { failed, whileExhausted, recovered: { ...recovered, attempts }, logged, reopens };
}

/** Runs this file as a child on `dir` under a descriptor limit of DESCRIPTOR_LIMIT; resolves its report. */
export function commitThroughExhaustion(dir: string): Promise<DescriptorReport> {
  const script = fileURLToPath(import.meta.url);
  const limit = `--nofile=${DESCRIPTOR_LIMIT}:${DESCRIPTOR_LIMIT}`;
  const args = [limit, process.execPath, '--import', 'tsx', script, dir];
  return new Promise((resolve, reject) => {
    execFile('prlimit', args, { timeout: 30_000 }, (err, stdout, stderr) => {
      const line = stdout.trim().split('\n').pop() ?? '';
      if (err !== null) reject(new Error(`child failed (${err.message}): ${stderr}`));
      else resolve(JSON.parse(line) as DescriptorReport);
    });
  });
}

const dir = process.argv[2];
if (
  dir !== undefined &&
  process.argv[1] !== undefined &&
  import.meta.url === pathToFileURL(process.argv[1]).href
) {
  process.stdout.write(`${JSON.stringify(await run(dir))}\n`);
}
