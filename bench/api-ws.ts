/**
 * WebSocket fan-out: 1,000 clients of /ws/prices/BTC in another process, on the real server with the
 * simulated source; p99 tick-to-client delivery latency.
 */
import { report } from './support.js';
import { startBenchServer } from './support/server.js';
import { measureFanout } from './support/ws-fanout.js';

const CLIENTS = 1_000;
const SECONDS = 10;

// All the clients come from one address, so its per-address limit is lifted.
const server = await startBenchServer({
  TICKFLOW_SIMULATED_RATE: '10',
  TICKFLOW_WS_MAX_CLIENTS_PER_ADDRESS: String(CLIENTS),
});
try {
  const figures = await measureFanout({
    url: `${server.app.url.replace('http', 'ws')}/ws/prices/BTC`,
    clients: CLIENTS,
    processes: 1,
    seconds: SECONDS,
  });
  report({
    bench: 'api_websocket',
    ticks_per_sec_per_symbol: 10,
    seconds: SECONDS,
    ...figures,
    target_p99_ms: 50,
  });
} finally {
  await server.close();
}
