import type { ErrorCode } from '../error-codes.js';
import type { Cache } from '../cache/cache.js';
import { eventTimeProblem } from '../domain/event-time.js';
import type { Tick } from '../domain/tick.js';
import { isTickflowError } from '../errors.js';
import { type BackoffPolicy, backoffDelay } from '../lib/backoff.js';
import { sleep } from '../lib/sleep.js';
import { type Log, type LogProducer, type OutgoingRecord, PRICES_TOPIC } from '../log/log.js';
import type { Logger } from '../logger.js';
import { sourceSecondsSinceSuccess, sourceTicks } from '../metrics/metrics.js';
import { addSampler } from '../metrics/scrape.js';
import type { Source, SourceStatus } from '../sources/source.js';
import { encodeSignal, encodeTick, type FeedSignal } from './price-message.js';
import { ProblemCounter } from './problem-counter.js';
import { DEAD_LETTER_TOPIC } from './topics.js';

const WATCH_INTERVAL_MS = 1_000;
/** Waits between attempts to append ticks the log refused: full jitter from 200 ms, capped at 5 s. */
const APPEND_BACKOFF: BackoffPolicy = { baseMs: 200, maxMs: 5_000 };

export interface IngestorDeps {
  readonly log: Log;
  /** Where the latest prices live: marked stale here while the log takes no writes. */
  readonly cache: Cache;
  readonly sources: readonly Source[];
  readonly symbols: readonly string[];
  readonly latestTtlMs: number;
  /** A tick whose event time is further ahead of its receipt time is dead-lettered, never appended. */
  readonly futureHorizonMs: number;
  readonly logger: Logger;
  readonly clock: () => number;
}

/**
 * Runs the sources and appends what they produce to `crypto-prices`, keyed by symbol. A source's sink
 * resolves only once the log has the ticks, so a slow log slows the sources down instead of buffering.
 * While the log is unavailable (a broker restarting, a full disk), the same ticks are appended again with
 * backoff until the log takes them, so a snapshot fetched during an outage is not lost; only closing the
 * ingestor gives up on them.
 *
 * It also watches each source's status: a successful fetch that brought no new tick becomes a heartbeat
 * (the latest price is still current) and a skipped poll becomes a gap marker (the latest price is
 * stale), so the gap stays visible downstream. When the log itself refuses writes, no marker can reach
 * the processor, so the ingestor marks the latest prices stale in the cache itself.
 *
 * It is the edge every source's ticks cross: one whose event time is implausible (from beyond the future
 * horizon, or in seconds) would stop its symbol's candles, so it goes to the dead-letter topic instead,
 * counted against its source and logged once.
 */
export class Ingestor {
  readonly problems: ProblemCounter;
  private producer: LogProducer | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** The feed-signal turn under way: a slow log makes the next tick of the timer skip, not pile up. */
  private watching: Promise<void> | null = null;
  private readonly seen = new Map<string, { lastSuccessAt: number | null; gaps: number }>();
  /** Ticks dead-lettered here, per source. */
  private readonly rejected = new Map<string, number>();
  /** Since the last watch: the (source, symbol) feeds that delivered a tick, and those that had one rejected. */
  private readonly delivered = new Set<string>();
  private readonly implausible = new Set<string>();
  private writesFailing = false;
  private readonly closing = new AbortController();
  private readonly configured: ReadonlySet<string>;
  private stopSampling: () => void = () => undefined;
  private startedAt = 0;
  appended = 0;

  constructor(private readonly deps: IngestorDeps) {
    this.problems = new ProblemCounter(deps.logger, 'ingest');
    this.configured = new Set(deps.symbols);
  }

  async start(): Promise<void> {
    const producer = this.deps.log.producer();
    this.producer = producer;
    this.startedAt = this.deps.clock();
    this.stopSampling = addSampler(() => {
      this.sample();
    });
    for (const source of this.deps.sources) {
      this.seen.set(source.name, { lastSuccessAt: null, gaps: 0 });
      await source.start((ticks) => this.append(ticks));
    }
    this.timer = setInterval(() => {
      this.watching ??= this.watch()
        .catch((err: unknown) => {
          this.deps.logger.debug({ err }, 'could not append feed signals');
        })
        .finally(() => {
          this.watching = null;
        });
    }, WATCH_INTERVAL_MS);
    this.timer.unref();
  }

  /** Each source's status, with the ticks the ingestor rejected counted among its rejections. */
  statuses(): SourceStatus[] {
    return this.deps.sources.map((source) => {
      const status = source.status();
      const rejected = this.rejected.get(source.name) ?? 0;
      return rejected === 0 ? status : { ...status, rejected: status.rejected + rejected };
    });
  }

  /** Stops the sources (they hand in-flight ticks to the log first). */
  async close(): Promise<void> {
    this.closing.abort();
    this.stopSampling();
    if (this.timer !== null) clearInterval(this.timer);
    await Promise.all(this.deps.sources.map((s) => s.close()));
  }

  private async append(ticks: readonly Tick[]): Promise<void> {
    const good: Tick[] = [];
    const dead: { tick: Tick; reason: string }[] = [];
    for (const tick of ticks) {
      const problem = eventTimeProblem(tick.ts, tick.receivedAt, this.deps.futureHorizonMs);
      if (problem === null) good.push(tick);
      else dead.push({ tick, reason: problem });
    }
    if (dead.length > 0) {
      await this.writeUntilTaken(DEAD_LETTER_TOPIC, dead.map(deadLetter));
      for (const { tick, reason } of dead) this.rejectedTick(tick, reason);
    }
    if (good.length === 0) return;
    await this.writeUntilTaken(
      PRICES_TOPIC,
      good.map((t) => ({ key: t.symbol, value: encodeTick(t) })),
    );
    for (const t of good) {
      this.delivered.add(feedKey(t.source, t.symbol));
      sourceTicks.inc({ source: t.source, symbol: this.configured.has(t.symbol) ? t.symbol : 'other' });
    }
    this.appended += good.length;
  }

  /** Seconds since each source last succeeded (since the start, for one that never has). */
  private sample(): void {
    const now = this.deps.clock();
    for (const status of this.statuses()) {
      const since = status.lastSuccessAt ?? this.startedAt;
      sourceSecondsSinceSuccess.set({ source: status.name }, Math.max(0, now - since) / 1_000);
    }
  }

  /** Counts a dead-lettered tick against its source; logs the first. */
  private rejectedTick(tick: Tick, reason: string): void {
    this.rejected.set(tick.source, (this.rejected.get(tick.source) ?? 0) + 1);
    this.implausible.add(feedKey(tick.source, tick.symbol));
    this.problems.report('TF_TICK_IMPLAUSIBLE_TIME', 'tick with an implausible event time dead-lettered', {
      source: tick.source,
      symbol: tick.symbol,
      reason,
    });
  }

  private async watch(): Promise<void> {
    const signals: FeedSignal[] = [];
    for (const source of this.deps.sources) {
      const status = source.status();
      const before = this.seen.get(source.name) ?? { lastSuccessAt: null, gaps: 0 };
      let type: FeedSignal['type'] | null = null;
      if (status.gaps > before.gaps) type = 'gap';
      else if (status.lastSuccessAt !== null && status.lastSuccessAt !== before.lastSuccessAt)
        type = 'heartbeat';
      this.seen.set(source.name, { lastSuccessAt: status.lastSuccessAt, gaps: status.gaps });
      if (type === null) continue;
      for (const symbol of this.deps.symbols) signals.push(this.signal(type, source.name, symbol, status));
    }
    this.delivered.clear();
    this.implausible.clear();
    if (signals.length === 0) return;
    await this.write(
      PRICES_TOPIC,
      signals.map((s) => ({ key: s.symbol, value: encodeSignal(s) })),
    );
  }

  /** A feed that answered with nothing but implausible ticks for a symbol has a gap there, not a heartbeat. */
  private signal(type: FeedSignal['type'], source: string, symbol: string, status: SourceStatus): FeedSignal {
    const key = feedKey(source, symbol);
    const at = this.deps.clock();
    if (type === 'heartbeat' && this.implausible.has(key) && !this.delivered.has(key)) {
      return { type: 'gap', symbol, source, at, reason: 'only ticks with implausible event times' };
    }
    const reason = type === 'gap' && status.lastError !== null ? { reason: status.lastError } : {};
    return { type, symbol, source, at, ...reason };
  }

  /**
   * Appends a source's records, again and again while the log says it is unavailable (retriable), until it
   * takes them or the ingestor closes. A record sent twice (a send that timed out and yet arrived) is the
   * same observation twice, which the processor counts once.
   */
  private async writeUntilTaken(topic: string, records: readonly OutgoingRecord[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.write(topic, records);
        return;
      } catch (err) {
        if (!(isTickflowError(err) && err.retriable) || this.closing.signal.aborted) throw err;
        await sleep(backoffDelay(attempt, APPEND_BACKOFF, Math.random), this.closing.signal);
      }
    }
  }

  /** Appends to the log; a refusal is counted, logged once, and makes the latest prices stale. */
  private async write(topic: string, records: readonly OutgoingRecord[]): Promise<void> {
    if (this.producer === null) return;
    try {
      await this.producer.send(topic, records);
    } catch (err) {
      this.problems.report('TF_INGEST_WRITE_FAILED', 'the log refuses writes; latest prices marked stale', {
        err,
      });
      if (!this.writesFailing) {
        this.writesFailing = true;
        await Promise.all(this.deps.symbols.map((symbol) => this.markStale(symbol)));
      }
      throw err;
    }
    if (this.writesFailing) {
      this.writesFailing = false;
      this.problems.resolved('TF_INGEST_WRITE_FAILED', 'the log takes writes again');
    }
  }

  private async markStale(symbol: string): Promise<void> {
    const { cache, latestTtlMs } = this.deps;
    try {
      const latest = await cache.getLatest(symbol);
      if (latest === null || latest.stale) return;
      const stale = { ...latest, stale: true };
      await cache.setLatest(stale, latestTtlMs);
      await cache.publish({ type: 'tick', ...stale });
    } catch (err) {
      this.problems.report('TF_CACHE_UNAVAILABLE', 'cannot mark the latest price stale in the cache', {
        err,
      });
    }
  }
}

const feedKey = (source: string, symbol: string): string => `${source}\u0000${symbol}`;

/** The dead-letter record of a tick rejected at the edge: the code, the reason and the tick as it came. */
const deadLetter = ({ tick, reason }: { tick: Tick; reason: string }): OutgoingRecord => ({
  key: tick.symbol,
  value: JSON.stringify({
    code: 'TF_TICK_IMPLAUSIBLE_TIME' satisfies ErrorCode,
    reason: `ts: ${reason}`,
    key: tick.symbol,
    value: encodeTick(tick),
  }),
});
