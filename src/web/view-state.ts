/** The intervals the processor produces, in the switcher's order. */
export const INTERVALS = ['1m', '5m', '15m'] as const;
export type ChartInterval = (typeof INTERVALS)[number];

/** What the chart shows; kept in the URL (`?symbol=ETH&interval=5m`) so a link reopens the same view. */
export interface ViewState {
  readonly symbol: string;
  readonly interval: ChartInterval;
}

const isInterval = (s: string | null): s is ChartInterval => INTERVALS.some((i) => i === s);

/** The view a query string asks for, where it names a known symbol and interval; else the defaults. */
export function parseView(search: string, symbols: readonly string[]): ViewState {
  const params = new URLSearchParams(search);
  const asked = params.get('symbol')?.toUpperCase() ?? null;
  const interval = params.get('interval');
  return {
    symbol: asked !== null && symbols.includes(asked) ? asked : (symbols[0] ?? ''),
    interval: isInterval(interval) ? interval : '1m',
  };
}

/** The query string of a view, keeping any other parameters of `search`. */
export function viewSearch(view: ViewState, search = ''): string {
  const params = new URLSearchParams(search);
  params.set('symbol', view.symbol);
  params.set('interval', view.interval);
  return `?${params.toString()}`;
}

/** Interval length in ms. */
export const intervalMs = (interval: ChartInterval): number =>
  ({ '1m': 60_000, '5m': 300_000, '15m': 900_000 })[interval];
