/**
 * One API instance holding 10,000 WebSocket clients of /ws/prices/BTC, on the real server with the
 * simulated source: tick-to-client latency (p50, p99, max), ticks missed (conflated for a slow client),
 * the server's CPU time per message delivered, and its memory before the clients and with them, per client.
 * Beside them, the machine's floor: one plain TCP write to each of as many connections, which bounds from
 * below the time a message takes to reach the last client of one single-threaded server.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { report } from './support.js';
import { cpuMs } from './support/process-cpu.js';
import {
  heapAfterGc,
  type HeapMemory,
  memoryProbeEnv,
  residentMemory,
  settledHeap,
} from './support/process-memory.js';
import { startBenchServer } from './support/server.js';
import { measureWriteFloor } from './support/socket-write-floor.js';
import { measureFanout } from './support/ws-fanout.js';

const CLIENTS = 10_000;
const CLIENT_PROCESSES = 4;
const SECONDS = 20;
const RATE = 10;

const floor = await measureWriteFloor(CLIENTS, CLIENT_PROCESSES);
const probeFile = join(tmpdir(), `tickflow-bench-memory-${process.pid}.json`);
// All the clients come from one address, so its per-address limit is lifted. The overall limit follows
// the descriptor limit (a quarter kept back for the store and the log): 10,000 clients need about 14,000.
const server = await startBenchServer({
  TICKFLOW_SIMULATED_RATE: String(RATE),
  TICKFLOW_WS_MAX_CLIENTS_PER_ADDRESS: String(CLIENTS),
  ...memoryProbeEnv(probeFile),
});
const pid = server.app.child.pid ?? 0;
try {
  const before = await settledHeap(server.app.child, probeFile);
  let connected: HeapMemory | undefined;
  let loaded: HeapMemory | undefined;
  let cpuBefore = 0;
  const figures = await measureFanout({
    url: `${server.app.url.replace('http', 'ws')}/ws/prices/BTC`,
    clients: CLIENTS,
    processes: CLIENT_PROCESSES,
    seconds: SECONDS,
    connected: async () => {
      connected = await heapAfterGc(server.app.child, probeFile);
      cpuBefore = await cpuMs(pid);
    },
    loaded: async () => {
      loaded = await heapAfterGc(server.app.child, probeFile);
    },
  });
  const cpu = (await cpuMs(pid)) - cpuBefore;
  const { peak_rss_mb } = await residentMemory(pid);
  const perClientKb = (after: number, base: number): number =>
    Math.round((((after - base) * 1024) / figures.connected) * 10) / 10;
  report({
    bench: 'api_websocket_10k',
    ticks_per_sec_per_symbol: RATE,
    seconds: SECONDS,
    ...figures,
    server_cpu_ms_per_1k_messages: Math.round((cpu / figures.messages) * 1_000 * 10) / 10,
    server_before: before,
    server_connected: connected,
    server_loaded: loaded,
    server_peak_rss_mb: peak_rss_mb,
    rss_per_client_kb: loaded && perClientKb(loaded.rss_mb, before.rss_mb),
    heap_per_client_kb: loaded && perClientKb(loaded.heap_used_mb, before.heap_used_mb),
    target_p99_ms: 100,
    machine_floor: floor,
  });
} finally {
  await server.close();
}
