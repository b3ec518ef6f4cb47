import type { WebSocket } from 'ws';
import { type BackoffPolicy, backoffDelay } from '../lib/backoff.js';
import { sleep as realSleep, type Sleep } from '../lib/sleep.js';
import type { Logger } from '../logger.js';
import { OutageLog, ReasonLog } from './log-once.js';
import { LoopSource } from './loop-source.js';
import { retry } from './retry.js';
import { SourceError, unavailable } from './source-error.js';
import { errorMessage } from '../errors.js';
import type { TickSink } from './source.js';
import { TickQueue } from './tick-queue.js';
import { MAX_HELD_TRADES, TradeGate } from './trade-gate.js';
import type { Exchange, StreamMessage } from './trade.js';
import { messageText, openWebSocket } from './ws-connect.js';

export interface TradeStreamOptions {
  readonly logger: Logger;
  /** Connection attempts in a row before the source counts a gap, reports `down` and pauses for `backoff.maxMs`. */
  readonly attempts: number;
  /** Timeout of the WebSocket handshake and of each back-fill request. */
  readonly timeoutMs: number;
  /** No message for this long: the connection is dropped and opened again. */
  readonly silenceMs: number;
  readonly clock?: () => number;
  readonly backoff?: BackoffPolicy;
  readonly sleep?: Sleep;
  readonly random?: () => number;
}

export const TRADE_STREAM_BACKOFF: BackoffPolicy = { baseMs: 500, maxMs: 30_000 };

interface SessionEnd {
  /** Whether the connection delivered at least one trade (then the next reconnect starts afresh). */
  readonly traded: boolean;
  readonly error: unknown;
}

/**
 * A WebSocket trade feed (Coinbase `matches`, Binance `@trade`). It reconnects with full-jitter backoff,
 * drops a connection that has been silent for `silenceMs`, and after a reconnect back-fills the gap over
 * REST from the last trade id seen per symbol; live trades that arrive meanwhile wait, and a trade id at or
 * below the last one emitted for its symbol is never emitted again.
 */
export class TradeStreamSource extends LoopSource {
  private readonly outage: OutageLog;
  private readonly reasons: ReasonLog;
  private readonly clock: () => number;
  private readonly backoff: BackoffPolicy;
  private readonly sleep: Sleep;
  private readonly random: () => number;
  private readonly gate: TradeGate;
  private socket: WebSocket | null = null;
  private queue: TickQueue | null = null;

  constructor(
    private readonly exchange: Exchange,
    private readonly options: TradeStreamOptions,
  ) {
    super(exchange.name);
    this.outage = new OutageLog(options.logger);
    this.reasons = new ReasonLog(options.logger);
    this.clock = options.clock ?? Date.now;
    this.backoff = options.backoff ?? TRADE_STREAM_BACKOFF;
    this.sleep = options.sleep ?? realSleep;
    this.random = options.random ?? Math.random;
    this.gate = new TradeGate(
      exchange.name,
      (ticks) => this.queue?.push(ticks),
      MAX_HELD_TRADES,
      (held) => {
        options.logger.warn(
          { held, source: exchange.name },
          `${exchange.label}: ${held} live trades waited on the back-fill; they go now, and the back-fill's older trades are skipped`,
        );
      },
    );
  }

  protected override async run(sink: TickSink): Promise<void> {
    this.queue = new TickQueue(sink, {
      logger: this.options.logger,
      label: this.exchange.label,
      backoff: this.backoff,
      sleep: this.sleep,
      random: this.random,
      onPressure: (paused) => (paused ? this.socket?.pause() : this.socket?.resume()),
    });
    this.options.logger.info({ url: this.exchange.url }, `connecting to ${this.exchange.label}`);
    const { signal } = this.controller;
    let failures = 0;
    while (!this.closed()) {
      const end = await this.session();
      if (this.closed()) break;
      failures = end.traded ? 0 : failures + 1;
      await this.sleep(this.afterSession(end, failures), signal);
    }
  }

  protected override async drain(): Promise<void> {
    await this.queue?.close();
  }

  /** Records how a connection ended and returns how long to wait before the next one. */
  private afterSession(end: SessionEnd, failures: number): number {
    const { label } = this.exchange;
    const err = end.error;
    if (failures === 0) {
      this.tracker.retrying(err);
      this.options.logger.info({ err: errorMessage(err) }, `${label} connection ended; reconnecting`);
      return backoffDelay(0, this.backoff, this.random);
    }
    const config = err instanceof SourceError && err.code === 'TF_SOURCE_CONFIG';
    if (config)
      this.outage.fail('config', err, `${label} refused the feed: configuration error; retrying`, 'error');
    if (failures % this.options.attempts === 0) {
      this.tracker.gap();
      this.tracker.down(err);
      if (!config)
        this.outage.fail(
          'unavailable',
          err,
          `${label} unavailable after ${failures} attempts; still retrying`,
        );
      return this.backoff.maxMs;
    }
    if (config) this.tracker.down(err);
    else this.tracker.retrying(err);
    const asked = err instanceof SourceError ? err.retryAfterMs : null;
    return asked ?? backoffDelay(failures, this.backoff, this.random);
  }

  /** One connection, from open to close. Never throws. */
  private async session(): Promise<SessionEnd> {
    const resumeFrom = this.gate.lastIds();
    let opened: { ws: WebSocket; ended: Promise<SessionEnd> };
    try {
      opened = await openWebSocket(
        this.exchange.url,
        {
          label: this.exchange.label,
          timeoutMs: this.options.timeoutMs,
          signal: this.controller.signal,
          now: this.clock,
          retryStatuses: this.exchange.retryStatuses,
        },
        (ws) => {
          if (resumeFrom.size > 0) this.gate.hold();
          return { ws, ended: this.listen(ws) };
        },
      );
    } catch (err) {
      return { traded: false, error: err };
    }
    const { ws, ended } = opened;
    if (this.queue?.pressured === true) ws.pause();
    for (const message of this.exchange.subscribe) ws.send(message);
    if (resumeFrom.size > 0) await this.backfill(resumeFrom);
    const end = await ended;
    this.socket = null;
    return end;
  }

  private listen(ws: WebSocket): Promise<SessionEnd> {
    const { signal } = this.controller;
    const { silenceMs } = this.options;
    this.socket = ws;
    return new Promise((resolve) => {
      let traded = false;
      let error: unknown = null;
      const watchdog = setTimeout(() => {
        if (ws.isPaused) {
          watchdog.refresh();
          return;
        }
        error = unavailable(`${this.exchange.label} sent nothing for ${silenceMs} ms`);
        ws.terminate();
      }, silenceMs);
      const onAbort = (): void => {
        ws.close(1000, 'closing');
        setTimeout(() => {
          ws.terminate();
        }, 250).unref();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      ws.on('message', (data) => {
        watchdog.refresh();
        const message = this.exchange.parse(messageText(data));
        if (message.kind === 'error') error = message.error;
        else if (message.kind === 'trades' && message.trades.length > 0) traded = true;
        this.onMessage(message);
      });
      ws.on('error', (err) => (error ??= err));
      ws.on('close', (code) => {
        clearTimeout(watchdog);
        signal.removeEventListener('abort', onAbort);
        error ??= unavailable(`${this.exchange.label} closed the connection (code ${code})`);
        resolve({ traded, error });
      });
    });
  }

  private onMessage(message: StreamMessage): void {
    const receivedAt = this.clock();
    switch (message.kind) {
      case 'trades': {
        this.tracker.succeeded(receivedAt);
        this.outage.recover(`${this.exchange.label} feed is back`);
        this.gate.live(message.trades, receivedAt);
        return;
      }
      case 'ignore':
        this.tracker.succeeded(receivedAt);
        return;
      case 'reject':
        this.reject(message.reason);
        return;
      case 'error':
        this.tracker.down(message.error);
        this.outage.fail('config', message.error, `${this.exchange.label} sent an error`, 'error');
    }
  }

  private reject(reason: string): void {
    this.tracker.reject();
    this.tracker.noteError(reason);
    this.reasons.once(reason, {}, `${this.exchange.label} message rejected`);
  }

  /** Fetches the trades missed while disconnected, then releases the live trades held meanwhile. */
  private async backfill(from: ReadonlyMap<string, number>): Promise<void> {
    const { signal } = this.controller;
    const { label } = this.exchange;
    const context = { source: this.name, signal, timeoutMs: this.options.timeoutMs, now: this.clock };
    let done = 0;
    this.options.logger.info(
      { symbols: [...from.keys()] },
      `${label} back-fill of the trades missed started`,
    );
    try {
      for (const [symbol, afterId] of from) {
        done++;
        try {
          const result = await retry(() => this.exchange.backfill(symbol, afterId, context), {
            attempts: this.options.attempts,
            backoff: this.backoff,
            signal,
            sleep: this.sleep,
            random: this.random,
          });
          for (const reason of result.rejected) this.reject(reason);
          this.gate.backfilled(result.trades, this.clock());
          const fields = { symbol, afterId, filled: result.trades.length, progress: `${done}/${from.size}` };
          if (result.complete) this.options.logger.info(fields, `${label} gap back-filled`);
          else {
            this.tracker.gap();
            this.options.logger.warn(
              fields,
              `${label} back-fill could not reach back to the last trade seen; a gap remains`,
            );
          }
        } catch (err) {
          if (signal.aborted) return;
          this.tracker.gap();
          this.tracker.noteError(err);
          this.options.logger.warn(
            { symbol, afterId, err: errorMessage(err) },
            `${label} back-fill failed; a gap remains`,
          );
        }
      }
    } finally {
      this.gate.release();
    }
  }
}
