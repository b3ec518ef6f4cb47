import type { Alert } from '../domain/alert.js';
import { alertToJson } from '../domain/alert.js';
import type { Candle } from '../domain/candle.js';
import { candleToJson } from '../domain/candle.js';
import type { Tick } from '../domain/tick.js';
import type { Cache, LatestPrice, Update } from '../cache/cache.js';
import type { ProblemCounter } from './problem-counter.js';

/**
 * Publishes what the processor sees to the cache: the latest price per symbol (`crypto:{SYMBOL}:latest`)
 * and updates on `crypto:updates`. A cache outage is counted and logged once; it never stops the
 * processor, and so never stops history from being written.
 */
export class LivePublisher {
  private readonly latest = new Map<string, LatestPrice>();
  private healthy = true;

  constructor(
    private readonly cache: Cache,
    private readonly ttlMs: number,
    private readonly problems: ProblemCounter,
  ) {}

  /** The newest tick of each symbol in a batch: sets the latest price and publishes it. */
  async ticks(newest: Iterable<Tick>): Promise<void> {
    const updates: Promise<void>[] = [];
    for (const tick of newest) {
      const previous = this.latest.get(tick.symbol);
      if (previous !== undefined && previous.ts > tick.ts) continue; // an out-of-order tick is not "latest"
      const latest: LatestPrice = {
        symbol: tick.symbol,
        price: tick.price,
        ts: tick.ts,
        source: tick.source,
        change_24h: tick.change24h ?? previous?.change_24h ?? null,
        volume_24h: tick.volume24h ?? previous?.volume_24h ?? null,
        stale: false,
      };
      this.latest.set(tick.symbol, latest);
      updates.push(this.setAndPublish(latest));
    }
    await Promise.all(updates);
  }

  /** A heartbeat keeps the latest price alive; a gap marks it stale until the next tick. */
  async signal(symbol: string, stale: boolean): Promise<void> {
    const previous = this.latest.get(symbol);
    if (previous === undefined) return;
    const latest = { ...previous, stale };
    this.latest.set(symbol, latest);
    if (stale !== previous.stale) await this.setAndPublish(latest);
    else await this.guard(this.cache.setLatest(latest, this.ttlMs));
  }

  async candles(candles: readonly Candle[]): Promise<void> {
    await Promise.all(
      candles.map((c) => this.publish({ type: 'candle', closed: c.closed, ...candleToJson(c) })),
    );
  }

  async alerts(alerts: readonly Alert[]): Promise<void> {
    await Promise.all(alerts.map((a) => this.publish({ type: 'alert', ...alertToJson(a) })));
  }

  private async setAndPublish(latest: LatestPrice): Promise<void> {
    await this.guard(this.cache.setLatest(latest, this.ttlMs));
    await this.publish({ type: 'tick', ...latest });
  }

  private publish(update: Update): Promise<void> {
    return this.guard(this.cache.publish(update));
  }

  private async guard(work: Promise<void>): Promise<void> {
    try {
      await work;
      if (!this.healthy) {
        this.healthy = true;
        this.problems.resolved('TF_CACHE_UNAVAILABLE', 'cache is back; live updates resume');
      }
    } catch (err) {
      this.healthy = false;
      this.problems.report('TF_CACHE_UNAVAILABLE', 'cannot publish to the cache; history is still written', {
        err,
      });
    }
  }
}
