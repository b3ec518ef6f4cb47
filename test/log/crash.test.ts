import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { partitionForKey } from '../../src/log/partitioner.js';
import { code, openLog, readAll, tempDir } from './log-harness.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURE = fileURLToPath(new URL('./fixtures/append-loop.ts', import.meta.url));

interface Run {
  readonly child: ChildProcess;
  readonly acked: Set<number>;
  /** Resolves when the child has printed `ready` (the log is open). */
  readonly ready: Promise<void>;
  /** Resolves once at least `n` seqs were acknowledged; rejects if the child dies before. */
  acks(n: number): Promise<void>;
  readonly exited: Promise<NodeJS.Signals | null>;
}

function startAppender(dir: string, firstSeq: number): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, dir, String(firstSeq)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const acked = new Set<number>();
  const waiters: { n: number; resolve: () => void }[] = [];
  let stderr = '';
  let pending = '';
  let onReady = (): void => undefined;
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop()!;
    for (const line of lines) {
      if (line === 'ready') onReady();
      else if (line.startsWith('ack ')) for (const seq of line.slice(4).split(',')) acked.add(Number(seq));
    }
    for (const w of waiters.filter((w) => acked.size >= w.n)) w.resolve();
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => {
    child.on('exit', (_code, signal) => {
      resolve(signal);
    });
  });
  const acks = (n: number): Promise<void> =>
    new Promise((resolve, reject) => {
      waiters.push({ n, resolve });
      if (acked.size >= n) resolve();
      void exited.then(() => {
        reject(new Error(`appender exited after ${acked.size} acks: ${stderr}`));
      });
    });
  return { child, acked, ready, acks, exited };
}

async function killMidStream(run: Run, acks: number): Promise<void> {
  await run.acks(acks);
  run.child.kill('SIGKILL');
  assert.equal(await run.exited, 'SIGKILL');
}

describe('embedded log: kill -9', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  const children: ChildProcess[] = [];
  before(async () => ({ dir, cleanup } = await tempDir()));
  after(async () => {
    for (const child of children) child.kill('SIGKILL');
    await cleanup();
  });

  test(
    'kill -9 mid-stream loses no acknowledged record and leaves nothing corrupt, twice over',
    { timeout: 30_000 },
    async () => {
      const path = join(dir, 'log');
      const first = startAppender(path, 0);
      children.push(first.child);
      await first.ready;
      // While the child holds the directory, nobody else may open it.
      await assert.rejects(openLog(path), code('TF_LOG_LOCKED'));
      await killMidStream(first, 3000);
      // The second life takes over the dead process's lock and appends after what survived.
      const second = startAppender(path, 1_000_000);
      children.push(second.child);
      await killMidStream(second, 2000);

      const log = await openLog(path);
      const records = await readAll(log, 'crash');
      const seen = new Map<number, number>();
      const lastSeqOfKey = new Map<string, number>();
      for (const record of records) {
        const match = /^([A-Z]+)\|(\d+)\|(p*)$/.exec(record.value);
        assert.ok(match !== null, `damaged record ${record.partition}/${record.offset}: ${record.value}`);
        const [, key, seqText, pad] = match;
        const seq = Number(seqText);
        assert.equal(record.key, key);
        assert.equal(pad!.length, seq % 97);
        assert.equal(record.partition, partitionForKey(key!, 3));
        assert.ok(
          seq > (lastSeqOfKey.get(key!) ?? -1),
          `${key} out of order at ${record.partition}/${record.offset}`,
        );
        lastSeqOfKey.set(key!, seq);
        seen.set(seq, (seen.get(seq) ?? 0) + 1);
      }
      for (const info of log.partitions('crash')) {
        const offsets = records.filter((r) => r.partition === info.partition).map((r) => Number(r.offset));
        assert.deepEqual(
          offsets,
          Array.from({ length: info.endOffset }, (_, i) => i),
          `partition ${info.partition}`,
        );
      }
      const lost = [...first.acked, ...second.acked].filter((seq) => seen.get(seq) !== 1);
      assert.deepEqual(lost, [], 'acknowledged records missing or duplicated');
      assert.ok(first.acked.size >= 3000 && second.acked.size >= 2000);
      await log.producer().send('crash', [{ key: 'BTC', value: 'BTC|2000000|' }]);
      await log.close();
    },
  );
});
