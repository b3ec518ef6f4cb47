/// <reference lib="dom" />
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { type FakeCoinGecko, startFakeCoinGecko } from '../fixtures/fake-coingecko.js';
import { launchChromium, type PageWatch, watchPage } from '../support/browser.js';
import { startTickflow, type TickflowProcess } from '../support/tickflow-process.js';
import { waitFor } from '../support/wait.js';
import { E2E_FUTURE_HORIZON, getJson } from './support.js';

/**
 * The dashboard in headless Chromium against the real `tickflow start`, fed by the fake CoinGecko. Its
 * event time runs 50× the wall clock (10 s per snapshot, polled every 200 ms), so a 1m candle closes about
 * every 1.2 s, and every 30th snapshot jumps 3%, past the 1m price_spike threshold of 1%.
 */
describe('the dashboard in a real browser', () => {
  let dir: string;
  let port: number;
  let fake: FakeCoinGecko;
  let app: TickflowProcess;
  let browser: Browser;
  let page: Page;
  let watch: PageWatch;
  /**
   * While the server is stopped on purpose and starting again, the browser logs failed connections and the
   * 503s of a server shutting down or not yet serving; that is expected.
   */
  const outages: { from: number; to: number }[] = [];

  const env = (): Record<string, string> => ({
    TICKFLOW_DATA_DIR: join(dir, 'data'),
    PORT: String(port),
    HOST: '127.0.0.1',
    COINGECKO_BASE_URL: fake.url,
    TICKFLOW_POLL_INTERVAL: '200ms',
    TICKFLOW_FUTURE_HORIZON: E2E_FUTURE_HORIZON,
    TICKFLOW_COMMIT_INTERVAL: '200ms',
  });
  const chart = async (): Promise<Record<string, string>> =>
    page.$eval(
      '#chart',
      (el) => Object.fromEntries(Object.entries((el as HTMLElement).dataset)) as Record<string, string>,
    );
  const cardPrice = (symbol: string): Promise<string> =>
    page.$eval(`.card[data-symbol="${symbol}"] .card-price`, (el) => el.textContent);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tickflow-dashboard-e2e-'));
    port = Number(execFileSync(process.execPath, ['scripts/free-ports.mjs', dir, '1'], { encoding: 'utf8' }));
    fake = await startFakeCoinGecko({
      stepSeconds: 10,
      jumpEvery: 30,
      prices: { bitcoin: 43_000, ethereum: 2_300 },
    });
    app = await startTickflow(['start'], env());
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    watch = watchPage(page, app.url);
    await page.goto(app.url);
  });

  after(async () => {
    await browser.close();
    if (app.child.exitCode === null) await app.stop('SIGKILL');
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('the price cards show prices that change, with the source’s 24 h change', async () => {
    const first = await waitFor('a BTC price on its card', async () => {
      const text = await cardPrice('BTC');
      return text !== '—' ? text : undefined;
    });
    assert.match(first, /^\d{2},\d{3}\.\d{2}$/);
    await waitFor('the BTC card to change', async () => (await cardPrice('BTC')) !== first);
    assert.match(await cardPrice('ETH'), /^\d,\d{3}\.\d{2}$/);
    const change = await page.$eval('.card[data-symbol="BTC"] .card-change', (el) => el.textContent);
    assert.match(change, /^[+-]?\d+\.\d{2}%$/);
  });

  test('the chart has candles, and the in-progress candle moves', async () => {
    await waitFor('three 1m bars', async () => Number((await chart())['bars']) >= 3);
    // The same newest bar with a new close is the live candle moving (not a new bar appearing).
    const seen = new Map<string, string>();
    await waitFor('the live candle to move', async () => {
      const { last = '', lastClose = '' } = await chart();
      const before = seen.get(last);
      seen.set(last, lastClose);
      return before !== undefined && before !== lastClose;
    });
    const view = await chart();
    assert.equal(view['symbol'], 'BTC');
    assert.equal(view['interval'], '1m');
  });

  test('with CoinGecko’s snapshots the volume pane is hidden, and the page says why', async () => {
    assert.equal((await chart())['volume'], 'unknown');
    assert.match(
      await page.$eval('#volume-note', (el) => ((el as HTMLElement).hidden ? '' : el.textContent)),
      /unknown, not zero/,
    );
  });

  test('switching the interval and the symbol reloads the chart, and the URL keeps the view', async () => {
    await page.click('#intervals button[data-interval="5m"]');
    await page.selectOption('#symbol', 'ETH');
    assert.match(page.url(), /symbol=ETH&interval=5m/);
    // The chart starts where the store's closed 5m history does (a 5m window closes about every 6 s).
    const shown = await waitFor('the ETH 5m chart over its closed history', async () => {
      const c = await chart();
      const { body } = await getJson(`${app.url}/api/v1/historical/ETH?interval=5m&limit=5000`);
      const first = (body as { candles: { window_start: number }[] }).candles[0]?.window_start;
      return c['symbol'] === 'ETH' &&
        c['interval'] === '5m' &&
        first !== undefined &&
        Number(c['first']) === first
        ? c
        : undefined;
    });
    assert.equal(Number(shown['last']) % 300_000, 0, 'its bars are 5m windows');
    const reopened = await browser.newPage();
    try {
      await reopened.goto(`${app.url}/?symbol=ETH&interval=5m`);
      await reopened.waitForFunction(
        () => document.querySelector<HTMLElement>('#chart')?.dataset['symbol'] === 'ETH',
      );
      assert.equal(await reopened.$eval('#symbol', (el) => (el as HTMLSelectElement).value), 'ETH');
      assert.equal(
        await reopened.getAttribute('#intervals button[data-interval="5m"]', 'aria-pressed'),
        'true',
      );
    } finally {
      await reopened.close();
    }
    await page.click('#intervals button[data-interval="1m"]');
    await page.click('.card[data-symbol="BTC"]');
    await waitFor('the BTC 1m chart again', async () => {
      const c = await chart();
      return c['symbol'] === 'BTC' && c['interval'] === '1m' && Number(c['bars']) >= 3;
    });
  });

  test('an alert appears in the panel and as a marker on its bar', async () => {
    const id = await waitFor(
      'a BTC 1m price_spike in the panel',
      () =>
        page.$eval('#alerts', (ol) =>
          ol.querySelector('li.alert-price_spike[data-id^="BTC:1m:"]')?.getAttribute('data-id'),
        ),
      60_000,
    );
    const { body } = await getJson(`${app.url}/api/v1/alerts/BTC?limit=5000`);
    const stored = (body as { alerts: { id: string; window_start: number }[] }).alerts;
    assert.ok(
      stored.some((a) => a.id === id),
      'the panel shows an alert the store has',
    );
    await waitFor('its marker', async () => Number((await chart())['markers']) >= 1);
    const text = await page.$eval(`li[data-id="${id}"]`, (li) => li.textContent);
    assert.match(text, /Price spike.*BTC · 1m.*[+-]\d+\.\d{2}% vs ±1\.00%/);
  });

  test('stopping the server shows offline; restarting it shows live again on the same page, with no gap', async () => {
    await page.evaluate(() => {
      (window as unknown as { sameDocument: boolean }).sameDocument = true;
    });
    const outage = { from: Date.now(), to: Infinity };
    outages.push(outage);
    await app.stop('SIGTERM');
    await page.waitForSelector('#connection[data-state="offline"]', { timeout: 20_000 });
    assert.match(await page.$eval('#notices', (el) => el.textContent), /not answering/);
    assert.ok(Number((await chart())['bars']) >= 3, 'what was loaded stays on screen');
    const lastBefore = Number((await chart())['last']);
    app = await startTickflow(['start'], env());
    await page.waitForSelector('#connection[data-state="live"]', { timeout: 30_000 });
    // The outage lasts until the restarted server reports itself serving; the page may have a poll of
    // /health under way then, so its answer is given a second more.
    await waitFor('/health to answer 200 again', async () => (await fetch(`${app.url}/health`)).ok, 30_000);
    outage.to = Date.now() + 1_000;
    assert.equal(
      await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument),
      true,
      'no reload',
    );
    await waitFor(
      'new bars after the restart',
      async () => Number((await chart())['last']) >= lastBefore + 3 * 60_000,
      30_000,
    );
    // Every 1m window of the fake's event time has ticks, so a gapless chart has one bar per minute. A
    // window closed while the page was (re)connecting is in neither the history it read nor what the
    // socket sent it; the page reads the history again when it sees the hole, within seconds.
    let seen: Record<string, string> = {};
    const gapless = await waitFor(
      'one bar for every minute from the first to the last',
      async () => {
        seen = await chart();
        return Number(seen['bars']) === (Number(seen['last']) - Number(seen['first'])) / 60_000 + 1;
      },
      10_000,
    ).catch(() => false);
    assert.ok(gapless, `a gap stayed: ${JSON.stringify(seen)}`);
  });

  test('a phone-width viewport has no horizontal overflow', async () => {
    const phone = await browser.newPage({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    try {
      await phone.goto(app.url);
      await phone.waitForFunction(
        () => Number(document.querySelector<HTMLElement>('#chart')?.dataset['bars']) > 0,
      );
      const widths = await phone.evaluate(() => ({
        page: document.documentElement.scrollWidth,
        body: document.body.scrollWidth,
        viewport: window.innerWidth,
      }));
      assert.equal(widths.viewport, 390);
      assert.ok(
        widths.page <= 390 && widths.body <= 390,
        `no horizontal scrolling: ${JSON.stringify(widths)}`,
      );
      assert.ok(await phone.$('meta[name="viewport"]'));
    } finally {
      await phone.close();
    }
  });

  test('no console errors and no requests to any other origin', () => {
    const during = (at: number): boolean => outages.some((o) => at >= o.from && at <= o.to);
    const unexpected = watch.errors.filter(
      (e) =>
        !(
          during(e.at) &&
          /ERR_CONNECTION_REFUSED|WebSocket connection to .* failed|status of 503/.test(e.text)
        ),
    );
    assert.deepEqual(unexpected, []);
    assert.deepEqual(watch.external, []);
  });
});
