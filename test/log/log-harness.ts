import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EmbeddedLogOptions } from '../../src/log/embedded-log-options.js';
import { EmbeddedLog } from '../../src/log/embedded-log.js';
import type { ConsumerHandlers, LogRecord, StartPosition } from '../../src/log/log.js';
import { silentLogger } from '../../src/logger.js';

/** A fresh temporary directory; `cleanup` removes it. */
export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'tickflow-log-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Opens (starts) an embedded log in `dir`. */
export async function openLog(dir: string, options: EmbeddedLogOptions = {}): Promise<EmbeddedLog> {
  const log = new EmbeddedLog(dir, silentLogger(), options);
  await log.start();
  return log;
}

export interface RecordingHandlers extends ConsumerHandlers {
  readonly assigned: number[][];
  readonly revoked: number[][];
  readonly lost: number[][];
}

/**
 * Handlers that start the partitions in `start` there (the others at the group's committed offset or the
 * oldest), and record every assignment, revoke and loss.
 */
export function handlersFrom(start?: ReadonlyMap<number, number | StartPosition>): RecordingHandlers {
  const assigned: number[][] = [];
  const revoked: number[][] = [];
  const lost: number[][] = [];
  const starts = new Map<number, StartPosition>(
    [...(start ?? [])].map(([p, s]) => [p, typeof s === 'number' ? BigInt(s) : s]),
  );
  return {
    assigned,
    revoked,
    lost,
    onAssigned: (partitions) => {
      assigned.push([...partitions]);
      return Promise.resolve(starts);
    },
    onRevoked: (partitions) => {
      revoked.push([...partitions]);
      return Promise.resolve();
    },
    onLost: (partitions) => {
      lost.push([...partitions]);
      return Promise.resolve();
    },
  };
}

let groupSeq = 0;

/** Every record of a topic, read by a throwaway consumer group, in poll order. */
export async function readAll(log: EmbeddedLog, topic: string): Promise<LogRecord[]> {
  const consumer = await log.consumer(`read-all-${groupSeq++}`, topic, handlersFrom());
  const out: LogRecord[] = [];
  while ((await consumer.lag()) > 0) out.push(...(await consumer.poll(10_000, 0)));
  await consumer.close();
  return out;
}

/** Records grouped by partition, each list in the order read. */
export function byPartition(records: readonly LogRecord[]): Map<number, LogRecord[]> {
  const map = new Map<number, LogRecord[]>();
  for (const r of records) map.set(r.partition, [...(map.get(r.partition) ?? []), r]);
  return map;
}

/** A predicate for assert.rejects/throws: a TickflowError with this code. */
export const code =
  (expected: string) =>
  (err: unknown): boolean => {
    if ((err as { code?: unknown }).code !== expected) throw err;
    return true;
  };
