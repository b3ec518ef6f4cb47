/**
 * `tickflow replay` over a JSONL file, parse included, on one core (`taskset -c 0`): 100 symbols of
 * sequenced trades with sizes, one in ten up to 5 s out of order, at 1 M and 5 M ticks. Runs the built
 * binary (`npm run build` first) with candles to /dev/null, and reports ticks/s by wall time and the
 * peak RSS (`/usr/bin/time`).
 */
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seededRandom } from '../src/lib/seeded-random.js';
import { report, T0 } from './support.js';

const SYMBOLS = 100;
const SIZES = [1_000_000, 5_000_000];
const BIN = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

async function writeTicks(path: string, count: number): Promise<void> {
  const rand = seededRandom(7);
  const names = Array.from({ length: SYMBOLS }, (_, i) => `SYM${i}`);
  const prices = names.map(() => 100 + Math.round(rand() * 100_000) / 100);
  const out = createWriteStream(path);
  let chunk = '';
  for (let k = 0; k < count; k++) {
    const s = k % SYMBOLS;
    prices[s] = Math.max(0.01, Math.round(prices[s]! * (1 + (rand() - 0.5) * 0.002) * 100) / 100);
    const ts = T0 + Math.floor(k / SYMBOLS) * 100 - (rand() < 0.1 ? Math.floor(rand() * 5_000) : 0);
    const volume = Math.round(rand() * 2e8) / 1e8;
    chunk += `{"symbol":"${names[s]!}","price":${prices[s]},"ts":${ts},"volume":${volume},"seq":"${k}","source":"binance"}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}

function replay(path: string, ticks: number): Record<string, number> {
  const started = performance.now();
  const run = spawnSync(
    '/usr/bin/time',
    ['-f', 'maxrss_kb=%M', 'taskset', '-c', '0', process.execPath, BIN, 'replay', '--input', path],
    { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 },
  );
  const seconds = (performance.now() - started) / 1_000;
  if (run.status !== 0)
    throw new Error(`replay exited with ${String(run.status)}: ${run.stderr.slice(-500)}`);
  const rss = Number(/maxrss_kb=(\d+)/.exec(run.stderr)?.[1]);
  return {
    ticks,
    seconds: Math.round(seconds * 100) / 100,
    ticks_per_sec: Math.round(ticks / seconds),
    peak_rss_mb: Math.round(rss / 1024),
  };
}

if (!existsSync(BIN)) {
  report({ bench: 'replay_file', skipped: 'dist/cli/main.js is missing: run npm run build first' });
} else {
  const dir = await mkdtemp(join(tmpdir(), 'tickflow-bench-replay-'));
  try {
    const rounds = [];
    for (const size of SIZES) {
      const path = join(dir, `ticks-${size}.jsonl`);
      await writeTicks(path, size);
      rounds.push(replay(path, size));
    }
    report({ bench: 'replay_file', symbols: SYMBOLS, cores: 1, rounds });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
