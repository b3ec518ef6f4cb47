import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Debian's Chromium: tests never download a browser. */
export const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];

/** Starts headless Chromium; without it, fails saying how to install it (the browser tests never skip). */
export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium (scripts/install-chromium.sh)`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
}

/** What a page did that a test asserts on: console errors, uncaught exceptions and requests elsewhere. */
export interface PageWatch {
  readonly errors: { readonly at: number; readonly text: string }[];
  readonly external: string[];
}

/**
 * Records every console error and uncaught exception of `page`, and every request to an origin other than
 * `origin` (http or ws). `data:` URLs are the page's own.
 */
export function watchPage(page: Page, origin: string): PageWatch {
  const watch: PageWatch = { errors: [], external: [] };
  const host = new URL(origin).host;
  page.on('console', (m) => {
    if (m.type() === 'error') watch.errors.push({ at: Date.now(), text: m.text() });
  });
  page.on('pageerror', (e) => watch.errors.push({ at: Date.now(), text: `uncaught: ${e.message}` }));
  const check = (url: string): void => {
    if (url.startsWith('data:')) return;
    if (new URL(url).host !== host) watch.external.push(url);
  };
  page.on('request', (r) => {
    check(r.url());
  });
  page.on('websocket', (ws) => {
    check(ws.url());
  });
  return watch;
}
