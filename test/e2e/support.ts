import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { Tick } from '../../src/domain/tick.js';
import { epochMs, parseDuration } from '../../src/domain/time.js';
import { EmbeddedLog } from '../../src/log/embedded-log.js';
import { PRICES_TOPIC } from '../../src/log/log.js';
import { silentLogger } from '../../src/logger.js';
import { decodePriceMessage, encodeTick } from '../../src/pipeline/price-message.js';
import type { Snapshot } from '../fixtures/fake-coingecko.js';
import { runCli } from '../support/cli.js';
import { FROM_EARLIEST } from '../support/read-topic.js';
import { waitFor } from '../support/wait.js';

/**
 * The fake CoinGecko moves `last_updated_at` 10 s per snapshot while it is polled every 100-200 ms, so its
 * event times run ahead of the wall clock; the e2e runs allow for that with a wide future horizon.
 */
export const E2E_FUTURE_HORIZON = '1d';
export const E2E_FUTURE_HORIZON_MS = 86_400_000;

/**
 * The settings of an end-to-end run against the fake CoinGecko: on a free port, polled every `poll`, with
 * commits every 200 ms and checkpoints every second, so kills and outages land between them often.
 */
export const e2eStreamEnv = (fakeUrl: string, poll = '200ms'): Record<string, string> => ({
  PORT: '0',
  COINGECKO_BASE_URL: fakeUrl,
  TICKFLOW_POLL_INTERVAL: poll,
  TICKFLOW_FUTURE_HORIZON: E2E_FUTURE_HORIZON,
  TICKFLOW_COMMIT_INTERVAL: '200ms',
  TICKFLOW_CHECKPOINT_INTERVAL: '1s',
});

export const SYMBOL_BY_ID: Readonly<Record<string, string>> = { bitcoin: 'BTC', ethereum: 'ETH' };

export type CandleRow = Record<string, unknown> & { window_start: number; window_end: number };

/** Every snapshot the fake served, repeats included, as replay input lines (log order). */
export function snapshotLines(served: readonly Snapshot[]): string {
  const lines: string[] = [];
  for (const snapshot of served) {
    for (const [id, q] of Object.entries(snapshot.coins)) {
      const symbol = SYMBOL_BY_ID[id];
      if (symbol === undefined) continue;
      lines.push(JSON.stringify({ symbol, price: q.usd, ts: q.last_updated_at * 1000, source: 'coingecko' }));
    }
  }
  return lines.join('\n') + '\n';
}

/** The watermark of a live run that has seen the ticks: the symbol's newest event time − the 10 s bound − 1. */
function watermarkAfter(ticksJsonl: string, symbol: string): number {
  let maxTs = -Infinity;
  for (const line of ticksJsonl.trim().split('\n')) {
    const tick = JSON.parse(line) as { symbol: string; ts: number };
    if (tick.symbol === symbol && tick.ts > maxTs) maxTs = tick.ts;
  }
  return maxTs - 10_000 - 1;
}

/**
 * Every tick in the log under `logDir` (of a stopped tickflow), partition by partition in offset order:
 * each symbol's own order. Records the log cannot read are not among them.
 */
export async function ticksInLog(logDir: string): Promise<Tick[]> {
  const log = new EmbeddedLog(logDir, silentLogger());
  await log.start();
  const consumer = await log.consumer('e2e-log-reader', PRICES_TOPIC, FROM_EARLIEST);
  const ticks: Tick[] = [];
  for (
    let records = await consumer.poll(10_000, 200);
    records.length > 0;
    records = await consumer.poll(10_000, 200)
  ) {
    for (const record of records) {
      const decoded = decodePriceMessage(record.value, {
        appendedAt: epochMs(record.timestamp),
        futureHorizonMs: E2E_FUTURE_HORIZON_MS,
      });
      if (decoded.ok && decoded.message.type === 'tick') ticks.push(decoded.message.tick);
    }
  }
  await consumer.close();
  await log.close();
  return ticks;
}

/** Ticks as `tickflow replay` input: the log's own encoding is the replay format. */
export const tickLines = (ticks: readonly Tick[]): string => ticks.map(encodeTick).join('\n') + '\n';

/**
 * The candles `tickflow replay` computes from the ticks, keeping only the windows a live run that has seen
 * the same ticks has closed: `window_end − 1 ≤ W`, W being each symbol's watermark after its newest tick.
 */
export async function replayClosed(
  dir: string,
  ticksJsonl: string,
  symbol: string,
  interval: string,
): Promise<CandleRow[]> {
  const input = join(dir, `replay-${symbol}-${interval}.jsonl`);
  await writeFile(input, ticksJsonl);
  const run = await runCli(['replay', '--input', input, '--future-horizon', E2E_FUTURE_HORIZON]);
  if (run.code !== 0) throw new Error(`replay failed: ${run.stderr}`);
  const watermark = watermarkAfter(ticksJsonl, symbol);
  return run.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as CandleRow)
    .filter((c) => c['symbol'] === symbol && c['interval'] === interval && c.window_end - 1 <= watermark)
    .map(({ symbol: _s, interval: _i, ...candle }) => candle as CandleRow);
}

export async function getJson(url: string): Promise<{ status: number; body: unknown; headers: Headers }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.json(), headers: res.headers };
}

/** The series the end-to-end tests compare: two symbols at 1m, and one at 5m. */
const COMPARED = [
  ['BTC', '1m'],
  ['ETH', '1m'],
  ['BTC', '5m'],
] as const;

/**
 * Checks that history read through each API equals what `tickflow replay` computes from exactly the
 * snapshots the fake served: none lost, none doubled, repeats counted once.
 */
export function assertHistoryIsReplay(
  dir: string,
  served: readonly Snapshot[],
  apiUrls: readonly string[],
): Promise<void> {
  return assertHistoryIsReplayOf(dir, snapshotLines(served), apiUrls);
}

/** Checks that history read through each API equals what `tickflow replay` computes from `ticks` (JSONL). */
export async function assertHistoryIsReplayOf(
  dir: string,
  ticks: string,
  apiUrls: readonly string[],
): Promise<void> {
  for (const [symbol, interval] of COMPARED) {
    const expected = await replayClosed(dir, ticks, symbol, interval);
    assert.ok(expected.length >= (interval === '1m' ? 5 : 1), `enough closed ${interval} candles to compare`);
    for (const api of apiUrls) {
      const live = await waitFor(
        `${symbol} ${interval} history through ${api}`,
        async () => {
          const r = await getJson(`${api}/api/v1/historical/${symbol}?interval=${interval}&limit=5000`);
          const candles = (r.body as { candles: CandleRow[] }).candles;
          return candles.length >= expected.length ? candles : undefined;
        },
        60_000,
      );
      assert.deepEqual(live, expected, `${symbol} ${interval} through ${api}: none lost, none doubled`);
    }
  }
}

/** A WebSocket client of `/ws/prices/{symbol}` on an API instance, and what it has received. */
export async function watch(
  apiUrl: string,
  symbol: string,
): Promise<{ messages: Record<string, unknown>[]; isOpen: () => boolean; close: () => void }> {
  const ws = new WebSocket(`${apiUrl.replace('http', 'ws')}/ws/prices/${symbol}`);
  const messages: Record<string, unknown>[] = [];
  ws.on('message', (data: Buffer) => messages.push(JSON.parse(data.toString()) as Record<string, unknown>));
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  return {
    messages,
    isOpen: () => ws.readyState === WebSocket.OPEN,
    close: () => {
      ws.close();
    },
  };
}

export type AlertRow = Record<string, unknown> & { id: string; interval: string; window_start: number };

const byId = (a: AlertRow, b: AlertRow): number => a.id.localeCompare(b.id);

function intervalMs(interval: string): number {
  const ms = parseDuration(interval);
  if (ms === undefined) throw new Error(`replay wrote an alert with interval ${interval}`);
  return ms;
}

/**
 * Checks that the alerts read through each API equal those `tickflow replay` raises from exactly the
 * snapshots the fake served, on the windows a live run that has seen them has closed; at least `minimum`.
 * Returns how many there were.
 */
export async function assertAlertsAreReplay(
  dir: string,
  served: readonly Snapshot[],
  apiUrls: readonly string[],
  minimum: number,
): Promise<number> {
  const ticks = snapshotLines(served);
  const input = join(dir, 'replay-alerts-input.jsonl');
  const output = join(dir, 'replay-alerts.jsonl');
  await writeFile(input, ticks);
  const run = await runCli([
    'replay',
    '--input',
    input,
    '--future-horizon',
    E2E_FUTURE_HORIZON,
    '--alerts',
    output,
  ]);
  if (run.code !== 0) throw new Error(`replay failed: ${run.stderr}`);
  const all = (await readFile(output, 'utf8'))
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as AlertRow);
  let total = 0;
  for (const symbol of Object.values(SYMBOL_BY_ID)) {
    const watermark = watermarkAfter(ticks, symbol);
    const expected = all
      .filter((a) => a['symbol'] === symbol)
      .filter((a) => a.window_start + intervalMs(a.interval) - 1 <= watermark)
      .sort(byId);
    total += expected.length;
    for (const api of apiUrls) {
      const r = await getJson(`${api}/api/v1/alerts/${symbol}?limit=1000`);
      const live = (r.body as { alerts: AlertRow[] }).alerts;
      assert.deepEqual(
        [...live].sort(byId),
        expected,
        `${symbol} alerts through ${api}: none lost, none doubled`,
      );
    }
  }
  assert.ok(total >= minimum, `enough alerts to compare (${total}, wanted ${minimum})`);
  return total;
}
