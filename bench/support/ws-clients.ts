/**
 * One process of the WebSocket load, forked by ws-fanout.ts: N clients of one symbol, apart from the
 * server's process. It connects them all and says so; told a window of event time, it measures each tick
 * of that window as receipt time − the tick's event time (the simulated source stamps ticks with the
 * clock, so this is source → log → processor → cache → hub → client), and sends back a histogram.
 */
import WebSocket from 'ws';

export interface ClientsReady {
  readonly kind: 'ready';
  readonly connected: number;
  readonly failed: number;
}

/** Ticks whose event time is in [from, until] count; the results go back `settleMs` after `until`. */
export interface MeasureWindow {
  readonly from: number;
  readonly until: number;
  readonly settleMs: number;
}

export interface ClientsResult {
  readonly kind: 'result';
  /** Latency in whole milliseconds → how many deliveries took it. */
  readonly histogram: Record<number, number>;
  /** The distinct ticks (by event time) any client of this process received in the window. */
  readonly ticks: number[];
  /** Ticks of the window received, summed over clients. */
  readonly deliveries: number;
  /** Messages of any type received during the window, summed over clients. */
  readonly messages: number;
  /** Clients whose socket closed or failed before the end. */
  readonly dropped: number;
}

const [url = '', countArg = '1000'] = process.argv.slice(2);
const count = Number(countArg);
/** Connections opened at once per process: four processes stay under the server's accept backlog (511). */
const CONNECT_BATCH = 100;
const TICK_PREFIX = '{"type":"tick"';
const TS_FIELD = /"ts":(\d+)/;

const send = (message: ClientsReady | ClientsResult): void => {
  process.send?.(message);
};

let window: MeasureWindow | null = null;
const histogram: Record<number, number> = {};
const ticks = new Set<number>();
let deliveries = 0;
let messages = 0;
let dropped = 0;
let failed = 0;

/** Reads only the tick's event time, so the client side spends little of the shared CPU per message. */
function onMessage(data: Buffer): void {
  const now = Date.now();
  if (window === null) return;
  const text = data.toString();
  if (now >= window.from && now <= window.until) messages++;
  if (!text.startsWith(TICK_PREFIX)) return;
  const ts = Number(TS_FIELD.exec(text)?.[1]);
  if (ts < window.from || ts > window.until) return;
  ticks.add(ts);
  deliveries++;
  const latency = now - ts;
  histogram[latency] = (histogram[latency] ?? 0) + 1;
}

function open(): Promise<WebSocket | null> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    ws.once('open', () => {
      ws.once('close', () => {
        dropped++;
      });
      ws.on('message', onMessage);
      resolve(ws);
    });
    ws.once('error', () => {
      failed++;
      resolve(null);
    });
  });
}

const sockets: (WebSocket | null)[] = [];
for (let i = 0; i < count; i += CONNECT_BATCH) {
  sockets.push(...(await Promise.all(Array.from({ length: Math.min(CONNECT_BATCH, count - i) }, open))));
}
send({ kind: 'ready', connected: sockets.filter((s) => s !== null).length, failed });

process.once('message', (message: MeasureWindow) => {
  window = message;
  setTimeout(
    () => {
      const ending = dropped;
      for (const ws of sockets) ws?.terminate();
      send({ kind: 'result', histogram, ticks: [...ticks], deliveries, messages, dropped: ending });
      process.disconnect();
    },
    Math.max(0, message.until + message.settleMs - Date.now()),
  );
});
