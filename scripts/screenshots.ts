/// <reference lib="dom" />
// Regenerates docs/screenshots/*.png from the real dashboard: `npm run screenshots` (after `npm run build`).
// It writes four hours of seeded BTC and ETH trades (with sizes, and a few 3% jumps so that alerts fire)
// ending now, feeds them to `tickflow start` through the file source, and photographs the page in
// Debian's Chromium once the history is in the store. Nothing here is drawn by hand.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { seededRandom } from '../src/lib/seeded-random.js';
import { launchChromium } from '../test/support/browser.js';
import { startTickflow } from '../test/support/tickflow-process.js';
import { waitFor } from '../test/support/wait.js';

const OUT = join(import.meta.dirname, '..', 'docs', 'screenshots');
const HOURS = 4;
const EVERY_MS = 5_000;
const START_PRICES: Readonly<Record<string, number>> = { BTC: 97_250, ETH: 3_640 };

/** Seeded trades every 5 s per symbol: a random walk with a 3% jump, up and down in turn, about every 40 minutes. */
function tradeLines(now: number): string {
  const random = seededRandom(7);
  const lines: string[] = [];
  const end = now - (now % 60_000) + 50_000;
  for (const [symbol, start] of Object.entries(START_PRICES)) {
    let price = start;
    let seq = 0;
    let up = symbol === 'BTC';
    for (let ts = end - HOURS * 3_600_000; ts <= end; ts += EVERY_MS) {
      let jump = 0;
      if (random() < EVERY_MS / 2_400_000) {
        up = !up;
        jump = up ? 0.03 : -0.03;
      }
      price *= 1 + (random() - 0.5) * 0.0016 + jump;
      const size = Math.round((0.05 + random() ** 3 * (jump === 0 ? 2 : 12)) * 1e4) / 1e4;
      const p = Math.round(price * 100) / 100;
      lines.push(JSON.stringify({ symbol, price: p, ts, volume: size, seq: ++seq, source: 'file' }));
    }
  }
  return lines.join('\n') + '\n';
}

const dir = await mkdtemp(join(tmpdir(), 'tickflow-screenshots-'));
const input = join(dir, 'trades.jsonl');
await writeFile(input, tradeLines(Date.now()));
const app = await startTickflow(['start'], {
  TICKFLOW_DATA_DIR: join(dir, 'data'),
  PORT: '0',
  TICKFLOW_SOURCES: 'file',
  TICKFLOW_FILE_INPUT: input,
});
const browser = await launchChromium();
try {
  const bars = HOURS * 60 - 2;
  await waitFor(
    'the history in the store',
    async () => {
      const res = await fetch(`${app.url}/api/v1/historical/BTC?interval=1m&limit=5000`);
      return res.ok && ((await res.json()) as { candles: unknown[] }).candles.length >= bars;
    },
    120_000,
  );
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
  const show = async (search: string): Promise<void> => {
    await page.goto(`${app.url}/${search}`);
    await page.waitForFunction(
      (n) => Number(document.querySelector<HTMLElement>('#chart')?.dataset['bars']) >= n,
      bars,
    );
    await page.waitForSelector('#alerts li');
    await page.waitForTimeout(500);
  };
  await show('?symbol=BTC&interval=1m');
  await page.screenshot({ path: join(OUT, 'dashboard-overview.png') });
  await page.click('#theme');
  await show('?symbol=ETH&interval=1m');
  await page.locator('.chart-panel').screenshot({ path: join(OUT, 'dashboard-candlestick-ma.png') });
  process.stdout.write(`screenshots written to ${OUT}\n`);
} finally {
  await browser.close();
  await app.stop();
  await rm(dir, { recursive: true, force: true });
}
