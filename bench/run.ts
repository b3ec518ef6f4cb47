/**
 * `npm run bench`: runs each benchmark in its own Node process (so one cannot warm up or fill the heap of
 * another) and prints all their figures as one JSON document. Benchmarks are not tests: they only measure.
 */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

const BENCHES = [
  'processor-throughput.ts',
  'processor-memory.ts',
  'replay-file.ts',
  'checkpoint-size.ts',
  'log-append.ts',
  'store-commit.ts',
  'api-rest.ts',
  'api-ws.ts',
  'api-ws-10k.ts',
  'restart-memory.ts',
  'dashboard-load.ts',
  'kafka-log.ts',
  'pipeline-kafka.ts',
  'flink-replay.ts',
];
const only = process.argv.slice(2);

// The load before the first benchmark: figures from a busy machine are not comparable.
const load = loadavg().map((l) => Math.round(l * 100) / 100);
const results: unknown[] = [];
for (const file of BENCHES.filter((b) => only.length === 0 || only.some((o) => b.includes(o)))) {
  const path = fileURLToPath(new URL(file, import.meta.url));
  const run = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', path], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (run.status !== 0) {
    results.push({ bench: file, error: `exited with ${String(run.status ?? run.signal)}` });
    continue;
  }
  for (const line of run.stdout.split('\n')) if (line.trim() !== '') results.push(JSON.parse(line));
}
process.stdout.write(
  `${JSON.stringify({ node: process.version, date: new Date().toISOString(), load, results }, null, 2)}\n`,
);
