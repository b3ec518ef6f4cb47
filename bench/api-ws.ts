/**
 * WebSocket fan-out: 1,000 clients of /ws/prices/BTC in another process, on the real server with the
 * simulated source; p99 tick-to-client delivery latency.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { report } from './support.js';
import { startBenchServer } from './support/server.js';

const CLIENTS = 1_000;
const SECONDS = 10;

// All the clients come from one address, so its per-address limit is lifted.
const server = await startBenchServer({
  TICKFLOW_SIMULATED_RATE: '10',
  TICKFLOW_WS_MAX_CLIENTS_PER_ADDRESS: String(CLIENTS),
});
try {
  const clients = fileURLToPath(new URL('support/ws-clients.ts', import.meta.url));
  const url = `${server.app.url.replace('http', 'ws')}/ws/prices/BTC`;
  const { stdout } = await promisify(execFile)(process.execPath, [
    '--import',
    'tsx',
    clients,
    url,
    String(CLIENTS),
    String(SECONDS),
  ]);
  report({
    bench: 'api_websocket',
    ticks_per_sec_per_symbol: 10,
    seconds: SECONDS,
    ...(JSON.parse(stdout) as Record<string, unknown>),
    target_p99_ms: 50,
  });
} finally {
  await server.close();
}
