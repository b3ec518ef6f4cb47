/**
 * REST throughput and latency of the real server (`tickflow start`, embedded, simulated source), measured
 * by autocannon in another process: `/api/v1/latest/BTC`, and `/api/v1/historical/BTC` returning the newest
 * 1,000 candles. Each figure carries the p99 it is held to.
 */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { report } from './support.js';
import { startBenchServer } from './support/server.js';

const SECONDS = 10;
const autocannon = createRequire(import.meta.url).resolve('autocannon/autocannon.js');

interface AutocannonResult {
  requests: { average: number };
  latency: { p50: number; p99: number; max: number };
  non2xx: number;
  errors: number;
}

async function load(url: string, connections: number): Promise<Record<string, number>> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [autocannon, '--json', '-c', String(connections), '-d', String(SECONDS), url],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  const r = JSON.parse(stdout) as AutocannonResult;
  return {
    connections,
    requests_per_sec: Math.round(r.requests.average),
    p50_ms: r.latency.p50,
    p99_ms: r.latency.p99,
    max_ms: r.latency.max,
    non_2xx: r.non2xx,
    errors: r.errors,
  };
}

const server = await startBenchServer({ TICKFLOW_SIMULATED_RATE: '5' }, 1_000);
try {
  const historical = `${server.app.url}/api/v1/historical/BTC?interval=1m&limit=1000`;
  const body = (await (await fetch(historical)).json()) as { candles: unknown[] };
  const latest = `${server.app.url}/api/v1/latest/BTC`;
  report({
    bench: 'api_rest',
    seconds: SECONDS,
    latest: [await load(latest, 10), await load(latest, 50)].map((r) => ({ ...r, target_p99_ms: 5 })),
    historical_1000: { candles: body.candles.length, ...(await load(historical, 10)), target_p99_ms: 20 },
  });
} finally {
  await server.close();
}
