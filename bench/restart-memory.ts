/**
 * Memory across crashes: ten cycles of the real `tickflow start` (embedded default) on one data
 * directory under heavy simulated ingest, each killed with SIGKILL after a fixed time and started again.
 * Per cycle: the time to the start-up line (a restart replays the log since the last checkpoint), the
 * peak RSS (VmHWM), the steady RSS (the median over the cycle's second half) and the data directory's
 * size, and, just before the kill, the heap and the memory outside it after a collection. RSS that climbs from cycle to cycle is what this looks for.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median, report } from './support.js';
import { dirSizeMb } from './support/dir-size.js';
import { heapAfterGc, memoryProbeEnv, residentMemory } from './support/process-memory.js';
import { startTickflow } from '../test/support/tickflow-process.js';

const CYCLES = 10;
const CYCLE_SECONDS = 40;
/** Ticks a second per symbol (BTC and ETH): 4,000 a second into the log. */
const RATE = 2_000;
const SAMPLE_MS = 1_000;
/** A start replays the log since the last checkpoint before it says it is up. */
const STARTUP_TIMEOUT_MS = 120_000;

const dir = await mkdtemp(join(tmpdir(), 'tickflow-bench-restart-'));
const dataDir = join(dir, 'data');
const probeFile = join(dir, 'memory.json');
const cycles: Record<string, number>[] = [];
try {
  for (let cycle = 1; cycle <= CYCLES; cycle++) {
    const starting = Date.now();
    const app = await startTickflow(
      ['start'],
      {
        TICKFLOW_DATA_DIR: dataDir,
        PORT: '0',
        TICKFLOW_SOURCES: 'simulated',
        TICKFLOW_SIMULATED_RATE: String(RATE),
        LOG_LEVEL: 'error',
        ...memoryProbeEnv(probeFile),
      },
      STARTUP_TIMEOUT_MS,
    );
    const startupMs = Date.now() - starting;
    const pid = app.child.pid ?? 0;
    const samples: number[] = [];
    const until = Date.now() + CYCLE_SECONDS * 1_000;
    while (Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, SAMPLE_MS));
      samples.push((await residentMemory(pid)).rss_mb);
    }
    const { peak_rss_mb } = await residentMemory(pid);
    const { heap_used_mb, external_mb } = await heapAfterGc(app.child, probeFile);
    await app.stop('SIGKILL');
    cycles.push({
      cycle,
      startup_ms: startupMs,
      peak_rss_mb,
      steady_rss_mb: median(samples.slice(Math.floor(samples.length / 2))),
      heap_used_mb,
      external_mb,
      data_dir_mb: await dirSizeMb(dataDir),
    });
  }
  report({
    bench: 'restart_memory',
    ticks_per_sec: RATE * 2,
    cycle_seconds: CYCLE_SECONDS,
    cycles,
  });
} finally {
  await rm(dir, { recursive: true, force: true });
}
