import type { Tick } from '../domain/tick.js';
import { type Log, type LogProducer, PRICES_TOPIC } from '../log/log.js';
import type { Logger } from '../logger.js';
import type { Source, SourceStatus } from '../sources/source.js';
import { encodeSignal, encodeTick, type FeedSignal } from './price-message.js';

const WATCH_INTERVAL_MS = 1_000;

/**
 * Runs the sources and appends what they produce to `crypto-prices`, keyed by symbol. A source's sink
 * resolves only once the log has the ticks, so a slow log slows the sources down instead of buffering.
 *
 * It also watches each source's status: a successful fetch that brought no new tick becomes a heartbeat
 * (the latest price is still current) and a skipped poll becomes a gap marker (the latest price is
 * stale), so the gap stays visible downstream.
 */
export class Ingestor {
  private producer: LogProducer | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly seen = new Map<string, { lastSuccessAt: number | null; gaps: number }>();
  appended = 0;

  constructor(
    private readonly log: Log,
    private readonly sources: readonly Source[],
    private readonly symbols: readonly string[],
    private readonly logger: Logger,
    private readonly clock: () => number,
  ) {}

  async start(): Promise<void> {
    const producer = this.log.producer();
    this.producer = producer;
    for (const source of this.sources) {
      this.seen.set(source.name, { lastSuccessAt: null, gaps: 0 });
      await source.start((ticks) => this.append(ticks));
    }
    this.timer = setInterval(() => {
      this.watch().catch((err: unknown) => {
        this.logger.warn({ err }, 'could not append feed signals');
      });
    }, WATCH_INTERVAL_MS);
    this.timer.unref();
  }

  statuses(): SourceStatus[] {
    return this.sources.map((s) => s.status());
  }

  /** Stops the sources (they hand in-flight ticks to the log first). */
  async close(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    await Promise.all(this.sources.map((s) => s.close()));
  }

  private async append(ticks: readonly Tick[]): Promise<void> {
    if (ticks.length === 0 || this.producer === null) return;
    await this.producer.send(
      PRICES_TOPIC,
      ticks.map((t) => ({ key: t.symbol, value: encodeTick(t) })),
    );
    this.appended += ticks.length;
  }

  private async watch(): Promise<void> {
    const signals: FeedSignal[] = [];
    for (const source of this.sources) {
      const status = source.status();
      const before = this.seen.get(source.name) ?? { lastSuccessAt: null, gaps: 0 };
      let type: FeedSignal['type'] | null = null;
      if (status.gaps > before.gaps) type = 'gap';
      else if (status.lastSuccessAt !== null && status.lastSuccessAt !== before.lastSuccessAt)
        type = 'heartbeat';
      this.seen.set(source.name, { lastSuccessAt: status.lastSuccessAt, gaps: status.gaps });
      if (type === null) continue;
      const reason = type === 'gap' && status.lastError !== null ? { reason: status.lastError } : {};
      for (const symbol of this.symbols) {
        signals.push({ type, symbol, source: source.name, at: this.clock(), ...reason });
      }
    }
    if (signals.length === 0 || this.producer === null) return;
    await this.producer.send(
      PRICES_TOPIC,
      signals.map((s) => ({ key: s.symbol, value: encodeSignal(s) })),
    );
  }
}
