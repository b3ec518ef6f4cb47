import type { ErrorCode } from '../error-codes.js';
import { eventTimeProblem } from '../domain/event-time.js';
import { durationMs, epochMs, formatDuration } from '../domain/time.js';
import type { BackoffPolicy } from '../lib/backoff.js';
import { preview } from '../lib/preview.js';
import { sleep as realSleep, type Sleep } from '../lib/sleep.js';
import type { Logger } from '../logger.js';
import { type Coin, parseSimplePrice } from './coingecko-parse.js';
import { getJson, type JsonResponse } from './http.js';
import { OutageLog, ReasonLog } from './log-once.js';
import { LoopSource } from './loop-source.js';
import { retry } from './retry.js';
import { SourceError } from './source-error.js';
import { errorMessage } from '../errors.js';
import { sourcePolls } from '../metrics/metrics.js';
import type { TickSink } from './source.js';

export interface CoinGeckoOptions {
  /** API base, e.g. `https://api.coingecko.com/api/v3` (no trailing slash). */
  readonly baseUrl: string;
  /** Demo API key, sent as `x-cg-demo-api-key`; empty for none. */
  readonly apiKey: string;
  readonly symbols: readonly string[];
  /** CoinGecko id per symbol; a symbol not listed uses its lower-case name. */
  readonly ids: Readonly<Record<string, string>>;
  readonly pollIntervalMs: number;
  /** Monthly call budget: a warning is logged at start when the poll interval would exceed it. */
  readonly monthlyCalls: number;
  /** Attempts per poll (1 + retries) before the poll is skipped. */
  readonly attempts: number;
  readonly timeoutMs: number;
  /** A snapshot further ahead of its receipt than this never becomes "the last seen" (the ingestor rejects it). */
  readonly futureHorizonMs: number;
  readonly logger: Logger;
  readonly clock?: () => number;
  /** Defaults scale with the poll interval: see `coinGeckoBackoff`. */
  readonly backoff?: BackoffPolicy;
  readonly sleep?: Sleep;
  readonly random?: () => number;
}

const MONTH_MS = 30 * 86_400_000;
/** A configuration error slows polling down, doubling up to this, until a poll succeeds. */
const MAX_CONFIG_DELAY_MS = 5 * 60_000;

/** Retries within one poll: a base of a quarter interval (50 ms to 1 s), capped at the interval (≥ 2 s). */
export const coinGeckoBackoff = (pollIntervalMs: number): BackoffPolicy => ({
  baseMs: Math.min(1000, Math.max(50, Math.floor(pollIntervalMs / 4))),
  maxMs: Math.max(2000, pollIntervalMs),
});

const configHint = (status: number): string =>
  status === 401 || status === 403
    ? 'check COINGECKO_API_KEY (sent as x-cg-demo-api-key) and COINGECKO_BASE_URL'
    : 'check COINGECKO_BASE_URL and TICKFLOW_COINGECKO_IDS';

/**
 * The default source: polls CoinGecko's `/simple/price` every poll interval. Each coin's event time is its
 * `last_updated_at`; a snapshot not newer than the last one emitted for that coin (CoinGecko's cache repeats
 * itself for up to a minute) is not a new tick. A poll that fails with 429, 5xx or a timeout is retried
 * with backoff and jitter, honouring Retry-After; after the last attempt it is skipped and counted as a gap.
 * A 4xx other than 429 is a configuration error: the state is `down`, the error is logged once, and polling
 * goes on at a slower pace (doubling up to 5 minutes) so that a fixed proxy or key recovers without a restart.
 */
export class CoinGeckoSource extends LoopSource {
  private readonly outage: OutageLog;
  private readonly reasons: ReasonLog;
  private readonly coins: readonly Coin[];
  private readonly url: string;
  private readonly clock: () => number;
  private readonly backoff: BackoffPolicy;
  private readonly sleep: Sleep;
  /** Per symbol, the event time of the last tick handed to the sink. */
  private readonly lastSeen = new Map<string, number>();
  private configFailures = 0;

  constructor(private readonly options: CoinGeckoOptions) {
    super('coingecko');
    this.outage = new OutageLog(options.logger);
    this.reasons = new ReasonLog(options.logger);
    this.coins = options.symbols.map((symbol) => ({
      symbol,
      id: options.ids[symbol] ?? symbol.toLowerCase(),
    }));
    const ids = [...new Set(this.coins.map((c) => encodeURIComponent(c.id)))].join(',');
    this.url =
      `${options.baseUrl}/simple/price?ids=${ids}&vs_currencies=usd` +
      '&include_24hr_vol=true&include_24hr_change=true&include_last_updated_at=true';
    this.clock = options.clock ?? Date.now;
    this.backoff = options.backoff ?? coinGeckoBackoff(options.pollIntervalMs);
    this.sleep = options.sleep ?? realSleep;
  }

  private warnBudget(): void {
    const { pollIntervalMs, monthlyCalls, logger } = this.options;
    const perMonth = Math.ceil(MONTH_MS / pollIntervalMs);
    if (perMonth <= monthlyCalls) return;
    const minimum = formatDuration(durationMs(Math.ceil(MONTH_MS / monthlyCalls / 1000) * 1000));
    logger.warn(
      { callsPerMonth: perMonth, monthlyCalls, pollIntervalMs },
      `polling CoinGecko every ${formatDuration(durationMs(pollIntervalMs))} makes about ${perMonth} calls a month, ` +
        `over the budget of ${monthlyCalls}: set TICKFLOW_POLL_INTERVAL to ${minimum} or more`,
    );
  }

  protected override async run(sink: TickSink): Promise<void> {
    this.warnBudget();
    this.options.logger.info(
      { url: this.url, every: formatDuration(durationMs(this.options.pollIntervalMs)) },
      'polling CoinGecko',
    );
    const { signal } = this.controller;
    while (!this.closed()) {
      const began = this.clock();
      let waitMs = 0;
      try {
        waitMs = await this.pollOnce(sink);
      } catch (err) {
        if (this.closed()) break;
        sourcePolls.inc({ source: this.name, result: 'failed' });
        this.tracker.down(err);
        this.outage.fail('unexpected', err, 'CoinGecko poll failed unexpectedly', 'error');
      }
      const next = Math.max(began + this.options.pollIntervalMs, this.clock() + waitMs);
      await this.sleep(next - this.clock(), signal);
    }
  }

  private fetchSnapshot(): Promise<JsonResponse> {
    const { apiKey, timeoutMs, logger, attempts } = this.options;
    const signal = this.controller.signal;
    return retry(
      () =>
        getJson(this.url, {
          label: 'CoinGecko',
          source: this.name,
          headers: apiKey === '' ? {} : { 'x-cg-demo-api-key': apiKey },
          timeoutMs,
          signal,
          now: this.clock,
          configHint,
        }),
      {
        attempts,
        backoff: this.backoff,
        signal,
        sleep: this.sleep,
        ...(this.options.random === undefined ? {} : { random: this.options.random }),
        onRetry: (err, attempt, delayMs) => {
          this.tracker.retrying(err);
          const code = err instanceof SourceError ? err.code : undefined;
          logger.debug({ err: errorMessage(err), code, attempt: attempt + 1, delayMs }, 'retrying CoinGecko');
        },
      },
    );
  }

  /** One poll: fetch (with retries), validate, drop repeats, hand over. Returns how long to wait extra. */
  private async pollOnce(sink: TickSink): Promise<number> {
    let response: JsonResponse;
    try {
      response = await this.fetchSnapshot();
    } catch (err) {
      if (this.controller.signal.aborted) return 0;
      return this.failed(err);
    }
    const receivedAt = this.clock();
    const { ticks, rejections } = parseSimplePrice(response.body, this.coins, epochMs(receivedAt));
    for (const r of rejections) {
      this.tracker.reject();
      this.tracker.noteError(`${r.id}.${r.field}: ${r.reason}`);
      this.reasons.once(
        `${r.id}.${r.field}: ${r.reason}`,
        { code: 'TF_SOURCE_PAYLOAD' satisfies ErrorCode, symbol: r.symbol, got: preview(r.got) },
        'CoinGecko entry rejected',
      );
    }
    const fresh = ticks.filter((t) => t.ts > (this.lastSeen.get(t.symbol) ?? -1));
    if (fresh.length > 0) {
      try {
        await sink(fresh);
      } catch (err) {
        sourcePolls.inc({ source: this.name, result: 'failed' });
        this.tracker.down(err);
        this.outage.fail(
          'sink',
          err,
          'could not hand CoinGecko ticks to the log; the next poll tries again',
          'error',
        );
        return 0;
      }
      for (const t of fresh) {
        // A tick from the future is dead-lettered downstream; adopting it would hide every real one after it.
        if (eventTimeProblem(t.ts, t.receivedAt, this.options.futureHorizonMs) === null)
          this.lastSeen.set(t.symbol, t.ts);
      }
    }
    this.configFailures = 0;
    sourcePolls.inc({ source: this.name, result: 'ok' });
    this.tracker.succeeded(receivedAt);
    this.outage.recover('CoinGecko polls succeed again');
    return 0;
  }

  private failed(err: unknown): number {
    sourcePolls.inc({ source: this.name, result: 'failed' });
    this.tracker.down(err);
    if (err instanceof SourceError && err.code === 'TF_SOURCE_CONFIG') {
      this.tracker.gap();
      this.configFailures++;
      this.outage.fail(
        'config',
        err,
        'CoinGecko refused the request: configuration error; polling slows down',
        'error',
      );
      return Math.min(
        MAX_CONFIG_DELAY_MS,
        this.options.pollIntervalMs * 2 ** Math.min(this.configFailures - 1, 20),
      );
    }
    if (err instanceof SourceError && err.code === 'TF_SOURCE_PAYLOAD') {
      this.tracker.reject();
      this.outage.fail('payload', err, 'CoinGecko answered something that is not a price snapshot');
      return 0;
    }
    this.tracker.gap();
    this.outage.fail(
      'unavailable',
      err,
      'CoinGecko unavailable after retries; skipping polls until it answers',
    );
    return err instanceof SourceError ? (err.retryAfterMs ?? 0) : 0;
  }
}
