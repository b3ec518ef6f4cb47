import {
  CandlestickSeries,
  ColorType,
  createChart,
  createSeriesMarkers,
  HistogramSeries,
  type IChartApi,
  type ISeriesApi,
  type ISeriesMarkersPluginApi,
  LineSeries,
  type SeriesMarker,
  type Time,
  type UTCTimestamp,
} from 'lightweight-charts';
import type { AlertJson } from '../domain/alert.js';
import { ruleName } from './alert-text.js';
import { type Bar, type BarBook, type LiveChange } from './bar-book.js';
import { CHART_COLOURS, type Theme } from './chart-theme.js';
import { formatPrice } from './format.js';
import { crosshairLabel, tickMarkLabel } from './local-time.js';
import { averageAt, MA_PERIODS, movingAverage } from './moving-average.js';

/** Below this many bars, the chart fits them all in view rather than leaving most of it empty. */
const FIT_BELOW = 150;

const toTime = (ms: number): UTCTimestamp => (ms / 1000) as UTCTimestamp;
const seconds = (time: Time): number => (typeof time === 'number' ? time : 0);

/**
 * The main chart: candlesticks, a volume histogram in a pane beneath (only when the source gives traded
 * sizes), MA lines and alert markers, drawn from a BarBook. Only the newest bar is ever `update()`d; any
 * other change sets the data again. The element's `data-*` attributes summarise what is drawn.
 */
export class ChartView {
  readonly #chart: IChartApi;
  readonly #candles: ISeriesApi<'Candlestick'>;
  readonly #averages: ISeriesApi<'Line'>[];
  readonly #markers: ISeriesMarkersPluginApi<Time>;
  #volume: ISeriesApi<'Histogram'> | null = null;
  #theme: Theme;

  constructor(
    private readonly el: HTMLElement,
    theme: Theme,
  ) {
    this.#theme = theme;
    this.#chart = createChart(el, {
      autoSize: true,
      // The logo injects an inline <style>, which the page's CSP refuses; the footer carries the
      // attribution notice and the link to TradingView that the library's licence asks for instead.
      layout: { attributionLogo: false },
      localization: {
        timeFormatter: (t: Time) => crosshairLabel(seconds(t)),
        priceFormatter: (price: number) => formatPrice(price),
      },
      timeScale: {
        timeVisible: true,
        secondsVisible: false,
        rightOffset: 4,
        tickMarkFormatter: (t: Time, kind: number) => tickMarkLabel(seconds(t), kind),
      },
      rightPriceScale: { scaleMargins: { top: 0.1, bottom: 0.1 } },
    });
    this.#candles = this.#chart.addSeries(CandlestickSeries, { priceLineVisible: true });
    this.#averages = MA_PERIODS.map((period) =>
      this.#chart.addSeries(LineSeries, {
        lineWidth: 1,
        priceLineVisible: false,
        lastValueVisible: false,
        crosshairMarkerVisible: false,
        title: `MA ${period}`,
      }),
    );
    this.#markers = createSeriesMarkers(this.#candles, []);
    this.setTheme(theme);
  }

  setTheme(theme: Theme): void {
    this.#theme = theme;
    const c = CHART_COLOURS[theme];
    this.#chart.applyOptions({
      layout: {
        background: { type: ColorType.Solid, color: c.background },
        textColor: c.text,
        panes: { separatorColor: c.border, separatorHoverColor: c.grid },
      },
      grid: { vertLines: { color: c.grid }, horzLines: { color: c.grid } },
      rightPriceScale: { borderColor: c.border },
      timeScale: { borderColor: c.border },
    });
    this.#candles.applyOptions({
      upColor: c.up,
      downColor: c.down,
      borderUpColor: c.up,
      borderDownColor: c.down,
      wickUpColor: c.up,
      wickDownColor: c.down,
    });
    this.#averages.forEach((s, i) => {
      s.applyOptions({ color: c.ma[i] ?? c.text });
    });
  }

  showAverage(index: number, visible: boolean): void {
    this.#averages[index]?.applyOptions({ visible });
  }

  /** Draws every bar of the book afresh; `keepView` keeps the visible range (after loading older bars). */
  draw(book: BarBook, keepView = false): void {
    const range = keepView ? this.#chart.timeScale().getVisibleRange() : null;
    const bars = book.bars();
    this.#candles.setData(bars.map((b) => this.#candle(b)));
    MA_PERIODS.forEach((period, i) => {
      this.#averages[i]?.setData(
        movingAverage(bars, period).map((p) => ({ time: toTime(p.time), value: p.value })),
      );
    });
    this.#setVolumePane(!book.volumeUnknown());
    this.#volume?.setData(bars.map((b) => this.#volumeBar(b)));
    if (range !== null) this.#chart.timeScale().setVisibleRange(range);
    this.#describe(book);
  }

  /** Shows what a live candle changed. */
  apply(book: BarBook, change: LiveChange): void {
    if (change === 'none') return;
    const bars = book.bars();
    const last = bars.at(-1);
    if (change === 'redraw' || last === undefined || (this.#volume === null && last.volume !== null)) {
      this.draw(book, true);
      return;
    }
    this.#candles.update(this.#candle(last));
    this.#volume?.update(this.#volumeBar(last));
    MA_PERIODS.forEach((period, i) => {
      if (bars.length < period) return;
      const p = averageAt(bars, period, bars.length);
      this.#averages[i]?.update({ time: toTime(p.time), value: p.value });
    });
    this.#describe(book);
  }

  /** Puts a marker on each bar where alerts fired, naming every rule that fired there. */
  setAlerts(alerts: readonly AlertJson[]): void {
    const colour = CHART_COLOURS[this.#theme].alert;
    const rulesAt = new Map<number, Set<string>>();
    for (const a of alerts) {
      const rules = rulesAt.get(a.window_start) ?? new Set<string>();
      rules.add(ruleName(a.rule));
      rulesAt.set(a.window_start, rules);
    }
    const markers: SeriesMarker<Time>[] = [...rulesAt]
      .sort(([a], [b]) => a - b)
      .map(([windowStart, rules]) => ({
        time: toTime(windowStart),
        position: 'aboveBar' as const,
        shape: 'arrowDown' as const,
        color: colour,
        text: [...rules].join(' · '),
      }));
    this.#markers.setMarkers(markers);
    this.el.dataset['markers'] = String(markers.length);
  }

  /** Calls `onNearStart` when the user has scrolled to within a few bars of the oldest one. */
  onScrolledToStart(onNearStart: () => void): void {
    this.#chart.timeScale().subscribeVisibleLogicalRangeChange((range) => {
      if (range !== null && range.from < 10) onNearStart();
    });
  }

  /** Names the series drawn, in the element's `data-symbol` and `data-interval`. */
  describeView(symbol: string, interval: string): void {
    this.el.dataset['symbol'] = symbol;
    this.el.dataset['interval'] = interval;
  }

  /** Shows the newest bars: all of them when they are few, else the latest at the default spacing. */
  showNewest(count: number): void {
    if (count < FIT_BELOW) this.#chart.timeScale().fitContent();
    else this.#chart.timeScale().scrollToRealTime();
  }

  #candle(b: Bar): { time: UTCTimestamp; open: number; high: number; low: number; close: number } {
    return { time: toTime(b.time), open: b.open, high: b.high, low: b.low, close: b.close };
  }

  /** A bar of unknown volume is whitespace: no bar at all, never a bar of zero. */
  #volumeBar(b: Bar): { time: UTCTimestamp; value?: number; color?: string } {
    const c = CHART_COLOURS[this.#theme];
    if (b.volume === null) return { time: toTime(b.time) };
    return { time: toTime(b.time), value: b.volume, color: b.close >= b.open ? c.volumeUp : c.volumeDown };
  }

  #setVolumePane(shown: boolean): void {
    if (shown && this.#volume === null) {
      this.#volume = this.#chart.addSeries(
        HistogramSeries,
        { priceFormat: { type: 'volume' }, priceLineVisible: false, lastValueVisible: false },
        1,
      );
      this.#chart.panes()[1]?.setStretchFactor(0.25);
    } else if (!shown && this.#volume !== null) {
      this.#chart.removeSeries(this.#volume);
      this.#volume = null;
      if (this.#chart.panes().length > 1) this.#chart.removePane(1);
    }
    this.el.dataset['volume'] = shown ? 'shown' : 'unknown';
  }

  #describe(book: BarBook): void {
    const ds = this.el.dataset;
    ds['bars'] = String(book.bars().length);
    ds['first'] = String(book.first()?.time ?? '');
    ds['last'] = String(book.last()?.time ?? '');
    ds['lastClose'] = String(book.last()?.close ?? '');
  }
}
