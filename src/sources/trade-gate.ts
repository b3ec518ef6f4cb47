import type { Tick } from '../domain/tick.js';
import { type Trade, tradeTick } from './trade.js';

/**
 * Decides which trades become ticks, in order: never a trade id at or below the last one emitted for its
 * symbol (exchange trade ids increase per symbol), and, while a back-fill runs, live trades wait so that
 * the back-filled ones go first.
 */
export class TradeGate {
  private readonly lastId = new Map<string, number>();
  private held: { trade: Trade; receivedAt: number }[] | null = null;

  constructor(
    private readonly source: string,
    private readonly push: (ticks: readonly Tick[]) => void,
  ) {}

  /** The last trade id emitted per symbol. */
  lastIds(): ReadonlyMap<string, number> {
    return new Map(this.lastId);
  }

  /** Live trades wait from now until `release()`. */
  hold(): void {
    this.held = [];
  }

  /** Emits the trades that waited (those not already covered) and lets live trades through again. */
  release(): void {
    const held = this.held ?? [];
    this.held = null;
    this.admit(held);
  }

  live(trades: readonly Trade[], receivedAt: number): void {
    const received = trades.map((trade) => ({ trade, receivedAt }));
    if (this.held === null) this.admit(received);
    else this.held.push(...received);
  }

  /** Back-filled trades, oldest first: emitted at once, even while live trades wait. */
  backfilled(trades: readonly Trade[], receivedAt: number): void {
    this.admit(trades.map((trade) => ({ trade, receivedAt })));
  }

  private admit(received: readonly { trade: Trade; receivedAt: number }[]): void {
    const ticks: Tick[] = [];
    for (const { trade, receivedAt } of received) {
      const last = this.lastId.get(trade.symbol);
      if (last !== undefined && trade.id <= last) continue;
      this.lastId.set(trade.symbol, trade.id);
      ticks.push(tradeTick(this.source, trade, receivedAt));
    }
    if (ticks.length > 0) this.push(ticks);
  }
}
