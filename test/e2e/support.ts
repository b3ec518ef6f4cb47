import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Tick } from '../../src/domain/tick.js';
import { epochMs } from '../../src/domain/time.js';
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
  const maxTs = Math.max(
    ...ticksJsonl
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { symbol: string; ts: number })
      .filter((t) => t.symbol === symbol)
      .map((t) => t.ts),
  );
  const watermark = maxTs - 10_000 - 1;
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
