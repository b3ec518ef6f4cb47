/**
 * The JSONL tick file the replay benchmarks read: 100 symbols of sequenced trades with sizes, a tick per
 * symbol every 100 ms of event time, one in ten up to 5 s out of order. Trade ids count per symbol, as an
 * exchange numbers each market's trades. The same seed gives the same file.
 */
import { once } from 'node:events';
import { closeSync, createWriteStream, openSync, readSync } from 'node:fs';
import { seededRandom } from '../../src/lib/seeded-random.js';
import { T0 } from '../support.js';

export const SYMBOLS = 100;
const FIRST_TRADE_ID = 3_000_000_000;

/** Writes `count` ticks to `path`. */
export async function writeTicks(path: string, count: number): Promise<void> {
  const rand = seededRandom(7);
  const names = Array.from({ length: SYMBOLS }, (_, i) => `SYM${i}`);
  const prices = names.map(() => 100 + Math.round(rand() * 100_000) / 100);
  const out = createWriteStream(path);
  let chunk = '';
  for (let k = 0; k < count; k++) {
    const s = k % SYMBOLS;
    prices[s] = Math.max(0.01, Math.round(prices[s]! * (1 + (rand() - 0.5) * 0.002) * 100) / 100);
    const ts = T0 + Math.floor(k / SYMBOLS) * 100 - (rand() < 0.1 ? Math.floor(rand() * 5_000) : 0);
    const volume = Math.round(rand() * 2e8) / 1e8;
    chunk += `{"symbol":"${names[s]!}","price":${prices[s]},"ts":${ts},"volume":${volume},"seq":"${FIRST_TRADE_ID + Math.floor(k / SYMBOLS)}","source":"binance"}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}

/**
 * Reads the whole file once, so that a run that follows reads it from the page cache: this machine's
 * kernel reclaims cold pages within seconds, and a replay that waits on the disk measures the disk.
 */
export function warmPageCache(path: string): void {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(1 << 20);
    while (readSync(fd, buffer, 0, buffer.length, null) > 0);
  } finally {
    closeSync(fd);
  }
}
