/**
 * The WebSocket load: N clients of one symbol in this process (apart from the server's), measuring each
 * tick's delivery latency as receipt time − the tick's event time (the simulated source stamps ticks with
 * the clock, so this is source → log → processor → cache → hub → client). Prints one JSON line.
 */
import WebSocket from 'ws';

const [url = '', clientsArg = '1000', secondsArg = '10'] = process.argv.slice(2);
const clients = Number(clientsArg);
const seconds = Number(secondsArg);
const latencies: number[] = [];
let connected = 0;
let failed = 0;

const sockets = await Promise.all(
  Array.from(
    { length: clients },
    () =>
      new Promise<WebSocket | null>((resolve) => {
        const ws = new WebSocket(url);
        ws.once('open', () => {
          connected++;
          resolve(ws);
        });
        ws.once('error', () => {
          failed++;
          resolve(null);
        });
      }),
  ),
);
const started = Date.now();
for (const ws of sockets) {
  ws?.on('message', (data: Buffer) => {
    const message = JSON.parse(data.toString()) as { type: string; ts: number };
    if (message.type === 'tick' && Date.now() - started > 1_000) latencies.push(Date.now() - message.ts);
  });
}
await new Promise((resolve) => setTimeout(resolve, seconds * 1_000));
for (const ws of sockets) ws?.terminate();
latencies.sort((a, b) => a - b);
const at = (q: number): number =>
  latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
process.stdout.write(
  `${JSON.stringify({ clients, connected, failed, deliveries: latencies.length, p50_ms: at(0.5), p99_ms: at(0.99), max_ms: latencies[latencies.length - 1] ?? NaN })}\n`,
);
