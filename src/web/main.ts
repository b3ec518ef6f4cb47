import type { AlertJson } from '../domain/alert.js';
import type { LatestPrice, Update } from '../domain/live-update.js';
import { AlertPanel } from './alert-panel.js';
import { api, ApiCallError } from './api-client.js';
import { ChartController } from './chart-controller.js';
import { ChartView } from './chart-view.js';
import { byId, h } from './dom.js';
import { LiveFeed } from './live-feed.js';
import { MA_PERIODS } from './moving-average.js';
import { PriceCards } from './price-cards.js';
import { reconnectDelay } from './reconnect-delay.js';
import { StatusBar } from './status-bar.js';
import { applyTheme, savedTheme } from './theme.js';
import { INTERVALS, parseView, type ViewState, viewSearch } from './view-state.js';

const HEALTH_EVERY_MS = 5_000;
const ALERTS_SINCE_MS = 86_400_000;
const ALERTS_LIMIT = 500;
/** How soon a card without a change reference (no closed candle yet) looks for one again. */
const REFERENCE_RETRY_MS = 30_000;

const status = new StatusBar(byId('connection'), byId('notices'));
const offline = (err: unknown): boolean => err instanceof ApiCallError && err.offline;

/** The symbol list, asked for again with backoff until the API answers it. */
async function loadSymbols(): Promise<string[]> {
  for (let attempt = 0; ; attempt++) {
    try {
      const { symbols } = await api.symbols();
      status.setNotice('symbols', null);
      return symbols;
    } catch (err) {
      if (offline(err)) status.setApiReachable(false);
      else
        status.setNotice('symbols', {
          level: 'error',
          text: `The symbol list cannot be loaded: ${String(err)}`,
        });
      await new Promise((r) => setTimeout(r, reconnectDelay(attempt, Math.random)));
    }
  }
}

async function pollHealth(): Promise<void> {
  try {
    status.setHealth(await api.health());
  } catch (err) {
    if (offline(err)) status.setApiReachable(false);
  }
}

function setUpTheme(chart: ChartView): void {
  let theme = savedTheme();
  applyTheme(theme);
  chart.setTheme(theme);
  const button = byId('theme', HTMLButtonElement);
  button.addEventListener('click', () => {
    theme = theme === 'dark' ? 'light' : 'dark';
    applyTheme(theme);
    chart.setTheme(theme);
  });
}

function setUpAverages(chart: ChartView): void {
  const root = byId('averages');
  MA_PERIODS.forEach((period, i) => {
    const button = h(
      'button',
      { type: 'button', class: `ma ma-${i}`, 'aria-pressed': 'true' },
      `MA ${period}`,
    );
    button.addEventListener('click', () => {
      const on = button.getAttribute('aria-pressed') !== 'true';
      button.setAttribute('aria-pressed', String(on));
      chart.showAverage(i, on);
    });
    root.append(button);
  });
}

async function main(): Promise<void> {
  void pollHealth();
  setInterval(() => void pollHealth(), HEALTH_EVERY_MS);
  const symbols = await loadSymbols();
  let view = parseView(location.search, symbols);

  const chartEl = byId('chart');
  const chart = new ChartView(chartEl, savedTheme());
  setUpTheme(chart);
  setUpAverages(chart);
  const panel = new AlertPanel(byId('alerts'), byId('alerts-empty'));
  const showMarkers = (): void => {
    chart.setAlerts(panel.of(view.symbol, view.interval));
  };
  const controller = new ChartController(chart, status, view, showMarkers);
  const volumeNote = byId('volume-note');
  const select = byId('symbol', HTMLSelectElement);
  const intervalButtons = INTERVALS.map((interval) => {
    const b = h('button', { type: 'button', 'data-interval': interval, 'aria-pressed': 'false' }, interval);
    b.addEventListener('click', () => {
      switchTo({ ...view, interval });
    });
    byId('intervals').append(b);
    return b;
  });
  const cards = new PriceCards(byId('cards'), symbols, (symbol) => {
    switchTo({ ...view, symbol });
  });

  const reflectView = (): void => {
    select.value = view.symbol;
    cards.select(view.symbol);
    for (const b of intervalButtons)
      b.setAttribute('aria-pressed', String(b.dataset['interval'] === view.interval));
    document.title = `${view.symbol} ${view.interval} · tickflow`;
  };
  const switchTo = (next: ViewState): void => {
    if (next.symbol === view.symbol && next.interval === view.interval) return;
    view = next;
    history.replaceState(null, '', viewSearch(view, location.search));
    reflectView();
    controller.show(view);
  };
  for (const s of symbols) select.append(h('option', { value: s }, s));
  select.addEventListener('change', () => {
    switchTo({ ...view, symbol: select.value });
  });
  new MutationObserver(() => {
    volumeNote.hidden = chartEl.dataset['volume'] !== 'unknown' || chartEl.dataset['bars'] === '0';
  }).observe(chartEl, { attributes: true, attributeFilter: ['data-volume', 'data-bars'] });

  const loadAlerts = async (symbol: string): Promise<void> => {
    try {
      panel.add(await api.alerts(symbol, Math.max(0, Date.now() - ALERTS_SINCE_MS), ALERTS_LIMIT));
      showMarkers();
    } catch (err) {
      if (offline(err)) status.setApiReachable(false);
    }
  };
  const loadReference = async (symbol: string): Promise<void> => {
    const from = cards.referenceTime(symbol);
    if (from === null) return;
    try {
      const [first] = await api.history(symbol, '1m', { from: Math.max(0, from), limit: 1 });
      if (first !== undefined) {
        cards.setReference(symbol, { price: first.open, since: first.window_start });
        return;
      }
    } catch {
      // Tried again below, as when no candle has closed yet.
    }
    setTimeout(() => {
      referenced.delete(symbol);
    }, REFERENCE_RETRY_MS);
  };
  const referenced = new Set<string>();
  const onLatest = (latest: LatestPrice): void => {
    cards.setLatest(latest);
    if (latest.change_24h === null && !referenced.has(latest.symbol)) {
      referenced.add(latest.symbol);
      void loadReference(latest.symbol);
    }
  };
  const onUpdate = (u: Update): void => {
    if (u.type === 'tick') onLatest(u);
    else if (u.type === 'candle') controller.live(u, u.closed);
    else {
      const { type, ...alert } = u;
      panel.add([alert satisfies AlertJson]);
      showMarkers();
    }
  };

  reflectView();
  controller.show(view);
  // Each socket sends its symbol's latest price first, on every (re)connect: no REST call is needed for it.
  for (const symbol of symbols) {
    void loadAlerts(symbol);
    new LiveFeed(symbol, {
      onUpdate,
      onState: (state) => {
        status.setFeed(symbol, state);
      },
      onReconnected: () => {
        referenced.delete(symbol);
        void loadAlerts(symbol);
        void pollHealth();
        if (symbol === view.symbol) void controller.reload();
      },
    }).start();
  }
  setInterval(() => {
    cards.tick(Date.now());
  }, 1_000);
}

void main();
