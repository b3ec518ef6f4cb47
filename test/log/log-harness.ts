import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EmbeddedLogOptions } from '../../src/log/embedded-log-options.js';
import { EmbeddedLog } from '../../src/log/embedded-log.js';
import type { ConsumerHandlers, LogRecord } from '../../src/log/log.js';
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

/** Handlers that start every partition at `start` (default: the group's committed offset or the oldest). */
export function handlersFrom(
  start?: ReadonlyMap<number, number>,
): ConsumerHandlers & { revoked: number[][] } {
  const revoked: number[][] = [];
  return {
    revoked,
    onAssigned: () => Promise.resolve(start ?? new Map<number, number>()),
    onRevoked: (partitions) => {
      revoked.push([...partitions]);
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
