import type { AlertJson } from '../domain/alert.js';
import type { CandleJson } from '../domain/candle.js';
import type { HealthReport } from '../domain/health.js';

/** A failed API call: `status` is null when the API could not be reached at all. */
export class ApiCallError extends Error {
  constructor(
    readonly path: string,
    readonly status: number | null,
    message: string,
  ) {
    super(message);
    this.name = 'ApiCallError';
  }

  /** True when the API itself is unreachable (not a component behind it). */
  get offline(): boolean {
    return this.status === null;
  }
}

interface ErrorBody {
  readonly error?: { readonly code?: string; readonly message?: string };
}

const TIMEOUT_MS = 8_000;

/** GETs a JSON body; `accept` lists the non-2xx statuses whose body is still the answer (health's 503). */
async function getJson<T>(path: string, accept: readonly number[] = []): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, { signal: AbortSignal.timeout(TIMEOUT_MS), cache: 'no-store' });
  } catch {
    throw new ApiCallError(path, null, 'the tickflow API cannot be reached');
  }
  const body = (await res.json().catch(() => ({}))) as T & ErrorBody;
  if (res.ok || accept.includes(res.status)) return body;
  throw new ApiCallError(path, res.status, body.error?.message ?? `HTTP ${res.status}`);
}

const enc = encodeURIComponent;

export interface HistoryPage {
  readonly from?: number;
  readonly to?: number;
  readonly limit: number;
}

/** The REST API of the serving instance, on the page's own origin. */
export const api = {
  /** The symbols to show; with the store down, the configured ones only (`complete: false`). */
  symbols: (): Promise<{ symbols: string[]; complete: boolean }> => getJson('/api/v1/symbols'),

  /** Closed candles in ascending order; without `from`, the newest `limit` (before `to`, if given). */
  history: async (symbol: string, interval: string, page: HistoryPage): Promise<CandleJson[]> => {
    const q = new URLSearchParams({ interval, limit: String(page.limit) });
    if (page.from !== undefined) q.set('from', String(page.from));
    if (page.to !== undefined) q.set('to', String(page.to));
    const body = await getJson<{ candles: CandleJson[] }>(`/api/v1/historical/${enc(symbol)}?${q}`);
    return body.candles;
  },

  alerts: async (symbol: string, since: number, limit: number): Promise<AlertJson[]> => {
    const q = new URLSearchParams({ since: String(since), limit: String(limit) });
    const body = await getJson<{ alerts: AlertJson[] }>(`/api/v1/alerts/${enc(symbol)}?${q}`);
    return body.alerts;
  },

  health: (): Promise<HealthReport> => getJson('/health', [503]),
};
