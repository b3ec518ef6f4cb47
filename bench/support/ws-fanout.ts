import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { ClientsReady, ClientsResult, MeasureWindow } from './ws-clients.js';

export interface FanoutOptions {
  /** The WebSocket URL every client opens. */
  readonly url: string;
  readonly clients: number;
  /** Client processes, each holding an equal share of the clients. */
  readonly processes: number;
  /** Length of the measured window of event time, after every client is connected. */
  readonly seconds: number;
  /** Called once every client is connected, before the window opens. */
  readonly connected?: () => Promise<void>;
  /** Called in the middle of the window, while the ticks flow to every client. */
  readonly loaded?: () => Promise<void>;
}

export interface FanoutFigures {
  readonly clients: number;
  readonly client_processes: number;
  readonly connected: number;
  readonly failed: number;
  /** Clients whose socket closed before the end. */
  readonly dropped: number;
  /** Distinct ticks the clients received in the window, and the deliveries of them. */
  readonly ticks: number;
  readonly deliveries: number;
  /**
   * Deliveries short of every client getting every tick. TCP loses nothing, so these are ticks the hub
   * conflated for a client that could not keep up (a newer tick took their place).
   */
  readonly missed: number;
  /** Messages of every kind the clients received during the window. */
  readonly messages: number;
  readonly messages_per_client_per_sec: number;
  readonly p50_ms: number;
  readonly p99_ms: number;
  readonly max_ms: number;
}

/** A tick sent a second before the window ends still arrives, within this, before the results are taken. */
const SETTLE_MS = 2_000;
/** Time for the sockets' first messages (the latest price) to pass before the window opens. */
const LEAD_MS = 1_000;

const CLIENTS = fileURLToPath(new URL('ws-clients.ts', import.meta.url));

function percentile(histogram: Map<number, number>, total: number, q: number): number {
  const rank = Math.min(total - 1, Math.floor(q * total));
  let seen = 0;
  for (const [latency, n] of [...histogram].sort((a, b) => a[0] - b[0])) {
    seen += n;
    if (seen > rank) return latency;
  }
  return Number.NaN;
}

const next = <T>(child: ChildProcess): Promise<T> => once(child, 'message').then(([message]) => message as T);

/**
 * Opens `clients` WebSocket clients spread over `processes` forked processes (one process cannot drive
 * thousands of sockets and still read each message on time on a small machine), waits until all are
 * connected, measures the delivery latency of every tick of a window of event time, and merges the
 * processes' histograms.
 */
export async function measureFanout(options: FanoutOptions): Promise<FanoutFigures> {
  const share = Math.ceil(options.clients / options.processes);
  const children = Array.from({ length: options.processes }, (_, i) =>
    fork(CLIENTS, [options.url, String(Math.min(share, options.clients - i * share))], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    }),
  );
  try {
    const ready = await Promise.all(children.map((c) => next<ClientsReady>(c)));
    await options.connected?.();
    const from = Date.now() + LEAD_MS;
    const window: MeasureWindow = { from, until: from + options.seconds * 1_000, settleMs: SETTLE_MS };
    const results = children.map((c) => next<ClientsResult>(c));
    for (const c of children) c.send(window);
    if (options.loaded !== undefined) {
      await new Promise((resolve) => setTimeout(resolve, LEAD_MS + (options.seconds * 1_000) / 2));
      await options.loaded();
    }
    return merge(options, ready, await Promise.all(results));
  } finally {
    for (const c of children) c.kill();
  }
}

function merge(
  options: FanoutOptions,
  ready: readonly ClientsReady[],
  results: readonly ClientsResult[],
): FanoutFigures {
  const histogram = new Map<number, number>();
  const ticks = new Set<number>();
  let deliveries = 0;
  let messages = 0;
  for (const r of results) {
    for (const [latency, n] of Object.entries(r.histogram)) {
      histogram.set(Number(latency), (histogram.get(Number(latency)) ?? 0) + n);
    }
    for (const t of r.ticks) ticks.add(t);
    deliveries += r.deliveries;
    messages += r.messages;
  }
  const connected = ready.reduce((sum, r) => sum + r.connected, 0);
  return {
    clients: options.clients,
    client_processes: options.processes,
    connected,
    failed: ready.reduce((sum, r) => sum + r.failed, 0),
    dropped: results.reduce((sum, r) => sum + r.dropped, 0),
    ticks: ticks.size,
    deliveries,
    missed: ticks.size * connected - deliveries,
    messages,
    messages_per_client_per_sec: Math.round((messages / connected / options.seconds) * 10) / 10,
    p50_ms: percentile(histogram, deliveries, 0.5),
    p99_ms: percentile(histogram, deliveries, 0.99),
    max_ms: Math.max(...histogram.keys()),
  };
}
