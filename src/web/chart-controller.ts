import type { CandleJson } from '../domain/candle.js';
import { api, ApiCallError } from './api-client.js';
import { BarBook } from './bar-book.js';
import type { ChartView } from './chart-view.js';
import type { StatusBar } from './status-bar.js';
import { intervalMs, type ViewState } from './view-state.js';

/** Candles per history request: the first page, and each page loaded on scrolling left. */
const PAGE = 500;
const RETRY_MS = 5_000;
/**
 * How long after a hole shows up before the newest bar the history is read again. A candle is pushed
 * live when its window closes but reaches the store at the next commit, so one closed while the page was
 * reconnecting can be in neither what the socket sent nor the history read just after.
 */
const HEAL_AFTER_MS = 2_000;

/**
 * Keeps the chart's BarBook for the current view: loads the newest history, loads older pages as the user
 * scrolls left, applies live candles, and reloads history after a reconnect, and again when a window is
 * missing before the newest bar, so that no candle is missing. A response for a view that is no longer
 * shown is dropped.
 */
export class ChartController {
  #view: ViewState;
  #book = new BarBook();
  #generation = 0;
  #loadingOlder = false;
  #exhausted = false;
  #retry: number | undefined;
  /** The newest bar whose hole before it has been healed (or found to be a window without ticks). */
  #healedUpTo = -Infinity;

  constructor(
    private readonly chart: ChartView,
    private readonly status: StatusBar,
    view: ViewState,
    private readonly onDrawn: () => void,
  ) {
    this.#view = view;
    chart.onScrolledToStart(() => void this.#loadOlder());
  }

  get view(): ViewState {
    return this.#view;
  }

  /** Shows another symbol or interval, from an empty book. */
  show(view: ViewState): void {
    this.#view = view;
    this.#book = new BarBook();
    this.#exhausted = false;
    this.#healedUpTo = -Infinity;
    this.#generation++;
    this.chart.describeView(view.symbol, view.interval);
    this.chart.draw(this.#book);
    void this.reload(true);
  }

  /** Loads the newest page of history into the book (after a switch, or a reconnect). */
  async reload(scrollToNewest = false): Promise<void> {
    clearTimeout(this.#retry);
    const generation = this.#generation;
    const { symbol, interval } = this.#view;
    let candles: CandleJson[];
    try {
      candles = await api.history(symbol, interval, { limit: PAGE });
    } catch (err) {
      if (generation !== this.#generation) return;
      this.#historyFailed(err);
      this.#retry = window.setTimeout(() => void this.reload(scrollToNewest), RETRY_MS);
      return;
    }
    if (generation !== this.#generation) return;
    this.status.setNotice('history', null);
    this.#book.setHistory(candles);
    this.chart.draw(this.#book, !scrollToNewest);
    if (scrollToNewest) this.chart.showNewest(this.#book.bars().length);
    this.onDrawn();
  }

  /** Applies a live candle of any symbol and interval; only the shown one is drawn. */
  live(candle: CandleJson, closed: boolean): void {
    if (candle.symbol !== this.#view.symbol || candle.interval !== this.#view.interval) return;
    this.chart.apply(this.#book, this.#book.live(candle, closed));
    this.#healHole();
  }

  /** Reads the history again, once per newest bar, when a window is missing just before it. */
  #healHole(): void {
    const bars = this.#book.bars();
    const last = bars.at(-1);
    const before = bars.at(-2);
    if (last === undefined || before === undefined || last.time <= this.#healedUpTo) return;
    if (last.time - before.time <= intervalMs(this.#view.interval)) return;
    this.#healedUpTo = last.time;
    window.setTimeout(() => void this.reload(), HEAL_AFTER_MS);
  }

  async #loadOlder(): Promise<void> {
    const first = this.#book.first();
    if (this.#loadingOlder || this.#exhausted || first === undefined) return;
    this.#loadingOlder = true;
    const generation = this.#generation;
    const { symbol, interval } = this.#view;
    try {
      const older = await api.history(symbol, interval, { to: first.time, limit: PAGE });
      if (generation !== this.#generation) return;
      if (this.#book.prepend(older) === 0) this.#exhausted = true;
      else this.chart.draw(this.#book, true);
    } catch (err) {
      if (generation === this.#generation) this.#historyFailed(err);
    } finally {
      this.#loadingOlder = false;
    }
  }

  #historyFailed(err: unknown): void {
    if (err instanceof ApiCallError && err.offline) {
      this.status.setApiReachable(false);
      return;
    }
    const reason = err instanceof Error ? err.message : String(err);
    this.status.setNotice('history', {
      level: 'warning',
      text: `History cannot be loaded (${reason}); live candles still appear, and it is retried every ${RETRY_MS / 1000} s.`,
    });
  }
}
