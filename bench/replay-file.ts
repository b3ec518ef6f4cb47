/**
 * `tickflow replay` over a JSONL file, parse included, on one core (`taskset -c 0`): 100 symbols of
 * sequenced trades with sizes, one in ten up to 5 s out of order, at 1 M and 5 M ticks. Runs the built
 * binary (`npm run build` first) with candles to /dev/null, three times per size, and reports ticks/s by
 * wall time (median and best) and the highest peak RSS (`/usr/bin/time`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { medianBy, report } from './support.js';
import { SYMBOLS, warmPageCache, writeTicks } from './support/tick-file.js';

const SIZES = [1_000_000, 5_000_000];
const BIN = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

/** Runs of each size: this machine's speed drifts by more than a single run can tell. */
const RUNS = 3;

/** One replay of the file: wall seconds and peak RSS in MB. */
function replayOnce(path: string): { seconds: number; rssMb: number } {
  warmPageCache(path);
  const started = performance.now();
  const run = spawnSync(
    '/usr/bin/time',
    ['-f', 'maxrss_kb=%M', 'taskset', '-c', '0', process.execPath, BIN, 'replay', '--input', path],
    { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 },
  );
  const seconds = (performance.now() - started) / 1_000;
  if (run.status !== 0)
    throw new Error(`replay exited with ${String(run.status)}: ${run.stderr.slice(-500)}`);
  return { seconds, rssMb: Number(/maxrss_kb=(\d+)/.exec(run.stderr)?.[1]) / 1024 };
}

function replay(path: string, ticks: number): Record<string, number> {
  const runs = Array.from({ length: RUNS }, () => replayOnce(path));
  const median = medianBy(runs, (r) => r.seconds).seconds;
  const best = Math.min(...runs.map((r) => r.seconds));
  return {
    ticks,
    runs: RUNS,
    seconds_median: Math.round(median * 100) / 100,
    ticks_per_sec_median: Math.round(ticks / median),
    ticks_per_sec_best: Math.round(ticks / best),
    peak_rss_mb: Math.round(Math.max(...runs.map((r) => r.rssMb))),
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
