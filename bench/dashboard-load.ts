/// <reference lib="dom" />
/**
 * How fast the dashboard loads from the real `tickflow start` on localhost, in Debian's Chromium, each
 * time in a fresh browser context (nothing cached): the page's `load` event, and the moment its chart
 * has drawn the history (500 1m candles of BTC, the first page it asks for). Target: under 1 s.
 */
import { launchChromium } from '../test/support/browser.js';
import { median, report } from './support.js';
import { startBenchServer } from './support/server.js';

const RUNS = 10;
const HISTORY = 500;

const server = await startBenchServer({ TICKFLOW_SIMULATED_RATE: '5' }, 1_000);
const browser = await launchChromium();
try {
  const loads: number[] = [];
  const charts: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    const started = Date.now();
    await page.goto(server.app.url);
    await page.waitForFunction(
      (n) => Number(document.querySelector<HTMLElement>('#chart')?.dataset['bars']) >= n,
      HISTORY,
      { polling: 5 },
    );
    charts.push(Date.now() - started);
    loads.push(
      await page.evaluate(() => {
        const [nav] = performance.getEntriesByType('navigation') as PerformanceNavigationTiming[];
        return Math.round(nav?.loadEventEnd ?? Number.NaN);
      }),
    );
    await context.close();
  }
  report({
    bench: 'dashboard_load',
    runs: RUNS,
    load_event_ms: { median: median(loads), max: Math.max(...loads) },
    chart_drawn_ms: { median: median(charts), max: Math.max(...charts) },
    target_ms: 1_000,
  });
} finally {
  await browser.close();
  await server.close();
}
