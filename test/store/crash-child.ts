/**
 * The crash test's child: commits batches to a PGlite store until killed. Batch i writes CANDLES_PER_BATCH
 * candles and moves partition 0's checkpoint to (i + 1) × CANDLES_PER_BATCH, then prints `committed <i>`.
 * Imported, it gives the parent `commitUntilKilled`.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { silentLogger } from '../../src/logger.js';
import { createPgliteStore } from '../../src/store/pglite-store.js';
import { MIN, T0, batch, candle } from './fixtures.js';

export const CANDLES_PER_BATCH = 50;
export const CRASH_GROUP = 'crash-test';

async function commitForever(dir: string): Promise<never> {
  const store = createPgliteStore(dir, silentLogger());
  await store.start();
  for (let i = 0; ; i++) {
    const first = i * CANDLES_PER_BATCH;
    const candles = Array.from({ length: CANDLES_PER_BATCH }, (_, k) =>
      candle({ symbol: 'CRASH', windowStart: T0 + (first + k) * MIN }),
    );
    const checkpoints = [
      { partition: 0, nextOffset: BigInt(first + CANDLES_PER_BATCH), state: `batch ${i}` },
    ];
    await store.commit(batch({ group: CRASH_GROUP, candles, checkpoints }));
    process.stdout.write(`committed ${i}\n`);
  }
}

/** Runs this file as a child on `dir`; kills it with SIGKILL once it acknowledged `commits` commits. */
export function commitUntilKilled(dir: string, commits: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const script = fileURLToPath(import.meta.url);
    const child = spawn(process.execPath, ['--import', 'tsx', script, dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let acknowledged = 0;
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (!line.startsWith('committed ')) return;
      acknowledged++;
      if (acknowledged >= commits) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL' && acknowledged >= commits) resolve(acknowledged);
      else reject(new Error(`child ended (${String(signal)}) after ${acknowledged} commits: ${stderr}`));
    });
  });
}

const dir = process.argv[2];
if (
  dir !== undefined &&
  process.argv[1] !== undefined &&
  import.meta.url === pathToFileURL(process.argv[1]).href
) {
  await commitForever(dir);
}
