/**
 * `tickflow replay` against an Apache Flink 1.20 job doing the same windows on the same 5 M-tick file
 * (bench/flink: a local MiniCluster, windows on both cores; tickflow on one core, `taskset -c 0`). Wall
 * time of each whole process, start-up included (the median of three runs each, taken in turn), and
 * Flink's own net job runtime; then the two sets of candles compared window by window. Needs
 * `npm run build`, Java 17 and Maven (which fetches Flink once).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { medianBy, report } from './support.js';
import { warmPageCache, writeTicks } from './support/tick-file.js';

const TICKS = 5_000_000;
const RUNS = 3;
const BIN = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const PROJECT = fileURLToPath(new URL('flink/', import.meta.url));
const JAR = join(PROJECT, 'target', 'tickflow-bench-flink-1.jar');
const CLASSPATH = join(PROJECT, 'target', 'classpath.txt');

interface CandleLine {
  symbol: string;
  interval: string;
  window_start: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number | null;
  trades: number;
  vwap: number | null;
}

const seconds = (ms: number): number => Math.round(ms / 10) / 100;

/** Runs a command to the end: its wall time in ms and its stdout; throws with its stderr if it fails. */
function timed(command: string, args: string[]): { ms: number; stdout: string } {
  const started = performance.now();
  const run = spawnSync(command, args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 1 << 30,
  });
  const ms = performance.now() - started;
  if (run.status !== 0)
    throw new Error(`${command} exited with ${String(run.status ?? run.signal)}: ${run.stderr.slice(-800)}`);
  return { ms, stdout: run.stdout };
}

function missing(): string | null {
  if (!existsSync(BIN)) return 'dist/cli/main.js is missing: run npm run build first';
  for (const tool of ['java', 'mvn']) {
    if (spawnSync(tool, ['-version'], { stdio: 'ignore' }).status !== 0) return `${tool} is not installed`;
  }
  return null;
}

const keyOf = (c: CandleLine): string => `${c.symbol}|${c.interval}|${c.window_start}`;
const parseLines = (text: string): CandleLine[] =>
  text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as CandleLine);

/** Relative difference of two numbers that may be unknown (null); 0 when both are null. */
function relative(a: number | null, b: number | null): number {
  if (a === null || b === null) return a === b ? 0 : Infinity;
  return a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
}

function compare(ours: CandleLine[], theirs: CandleLine[]): Record<string, number> {
  const flink = new Map(theirs.map((c) => [keyOf(c), c]));
  let onlyOne = 0;
  let differ = 0;
  let volume = 0;
  let vwap = 0;
  for (const c of ours) {
    const f = flink.get(keyOf(c));
    if (f === undefined) {
      onlyOne++;
      continue;
    }
    flink.delete(keyOf(c));
    const exact: (keyof CandleLine)[] = ['open', 'high', 'low', 'close', 'trades'];
    if (exact.some((k) => c[k] !== f[k])) differ++;
    volume = Math.max(volume, relative(c.volume, f.volume));
    vwap = Math.max(vwap, relative(c.vwap, f.vwap));
  }
  return {
    candles_in_one_only: onlyOne + flink.size,
    candles_ohlc_or_trades_differ: differ,
    max_relative_volume_difference: volume,
    max_relative_vwap_difference: vwap,
  };
}

const skip = missing();
if (skip !== null) {
  report({ bench: 'flink_replay', skipped: skip });
} else {
  timed('mvn', ['-q', '-B', '-f', join(PROJECT, 'pom.xml'), 'package']);
  const dir = await mkdtemp(join(tmpdir(), 'tickflow-bench-flink-'));
  try {
    const input = join(dir, 'ticks.jsonl');
    await writeTicks(input, TICKS);
    const flinkOut = join(dir, 'flink');
    const classpath = `${JAR}:${readFileSync(CLASSPATH, 'utf8').trim()}`;
    // Alternate the two, RUNS times each, and take the median of each: the machine's speed drifts.
    const ourRuns: { ms: number; stdout: string }[] = [];
    const flinkRuns: { ms: number; stdout: string }[] = [];
    for (let run = 0; run < RUNS; run++) {
      warmPageCache(input);
      ourRuns.push(timed('taskset', ['-c', '0', process.execPath, BIN, 'replay', '--input', input]));
      await rm(flinkOut, { recursive: true, force: true });
      await mkdir(flinkOut);
      warmPageCache(input);
      flinkRuns.push(timed('java', ['-cp', classpath, 'dev.tickflow.bench.ReplayJob', input, flinkOut]));
    }
    const ours = medianBy(ourRuns, (r) => r.ms);
    const flink = medianBy(flinkRuns, (r) => r.ms);
    const job = JSON.parse(flink.stdout.trim().split('\n').at(-1) ?? '{}') as { net_runtime_ms?: number };
    const theirs = readdirSync(flinkOut).flatMap((f) => parseLines(readFileSync(join(flinkOut, f), 'utf8')));
    const candles = parseLines(ours.stdout);
    report({
      bench: 'flink_replay',
      ticks: TICKS,
      tickflow_cores: 1,
      flink_parallelism: 2,
      runs: RUNS,
      tickflow_seconds: seconds(ours.ms),
      flink_seconds: seconds(flink.ms),
      flink_job_seconds: seconds(job.net_runtime_ms ?? NaN),
      ratio: Math.round((ours.ms / flink.ms) * 1000) / 1000,
      target_ratio: Math.round((1 / 3) * 1000) / 1000,
      tickflow_candles: candles.length,
      flink_candles: theirs.length,
      ...compare(candles, theirs),
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
