/// <reference lib="dom" />
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { silentLogger } from '../../src/logger.js';
import { createPgliteStore } from '../../src/store/pglite-store.js';
import { launchChromium } from '../support/browser.js';
import { candle, MIN } from '../support/fixtures.js';
import { startTickflow, type TickflowProcess } from '../support/tickflow-process.js';

const SEEDED = 1_200;
/** The seeded minutes end an hour ago, on a minute boundary. */
const FIRST = Math.floor(Date.now() / MIN) * MIN - 60 * MIN - SEEDED * MIN;
const startOf = (i: number): number => FIRST + i * MIN;

/**
 * The chart's history paging in Chromium against the real `tickflow start`, over 1,200 BTC 1m candles
 * written into its store beforehand, with no live source: it shows the newest 500, and each drag to the
 * left edge loads the 500 before them, down to the first.
 */
describe('the dashboard’s history', () => {
  let dir: string;
  let app: TickflowProcess;
  let browser: Browser;
  let page: Page;

  const chart = (): Promise<{ bars: number; first: number; last: number }> =>
    page.$eval('#chart', (el) => {
      const d = (el as HTMLElement).dataset;
      return { bars: Number(d['bars']), first: Number(d['first']), last: Number(d['last']) };
    });

  /** Drags the chart to the right (towards older bars) until `done`, or fails after `tries` drags. */
  async function dragUntil(
    done: (c: Awaited<ReturnType<typeof chart>>) => boolean,
    tries = 40,
  ): Promise<void> {
    const box = await page.locator('#chart').boundingBox();
    assert.ok(box !== null);
    const y = box.y + box.height * 0.4;
    for (let i = 0; i < tries; i++) {
      if (done(await chart())) return;
      await page.mouse.move(box.x + box.width * 0.1, y);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width * 0.85, y, { steps: 8 });
      await page.mouse.up();
      await page.waitForTimeout(150);
    }
    assert.fail(`not reached after ${tries} drags: ${JSON.stringify(await chart())}`);
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tickflow-dashboard-history-'));
    const store = createPgliteStore(join(dir, 'data', 'store'), silentLogger());
    await store.start();
    const candles = Array.from({ length: SEEDED }, (_, i) =>
      candle({ symbol: 'BTC', windowStart: startOf(i), close: 100 + i }),
    );
    await store.commit({ group: 'tickflow-processor', fence: null, checkpoints: [], candles, alerts: [] });
    await store.close();
    const empty = join(dir, 'none.jsonl');
    await writeFile(empty, '');
    app = await startTickflow(['start'], {
      TICKFLOW_DATA_DIR: join(dir, 'data'),
      PORT: '0',
      TICKFLOW_SOURCES: 'file',
      TICKFLOW_FILE_INPUT: empty,
      TICKFLOW_SYMBOLS: 'BTC',
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    await page.goto(`${app.url}/?symbol=BTC&interval=1m`);
  });

  after(async () => {
    await browser.close();
    await app.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('opens on the newest 500 candles', async () => {
    await page.waitForFunction(
      () => Number(document.querySelector<HTMLElement>('#chart')?.dataset['bars']) > 0,
    );
    assert.deepEqual(await chart(), { bars: 500, first: startOf(SEEDED - 500), last: startOf(SEEDED - 1) });
  });

  test('scrolling to the left edge loads the older pages, down to the first candle', async () => {
    await dragUntil((c) => c.bars > 500);
    assert.deepEqual(await chart(), {
      bars: 1_000,
      first: startOf(SEEDED - 1_000),
      last: startOf(SEEDED - 1),
    });
    await dragUntil((c) => c.bars === SEEDED);
    assert.deepEqual(await chart(), { bars: SEEDED, first: startOf(0), last: startOf(SEEDED - 1) });
  });
});
