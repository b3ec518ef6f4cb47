import type { Tick } from '../domain/tick.js';
import { type Trade, tradeTick } from './trade.js';

/**
 * The most live trades held back while a back-fill runs: at a busy exchange's rate of a few thousand a
 * second, about half a minute, far longer than a back-fill's few pages take.
 */
export const MAX_HELD_TRADES = 100_000;

/**
 * Decides which trades become ticks, in order: never a trade id at or below the last one emitted for its
 * symbol (exchange trade ids increase per symbol), and, while a back-fill runs, live trades wait so that
 * the back-filled ones go first. If more than `maxHeld` wait, they go at once instead, and `onOverflow` is
 * told: the back-fill's remaining trades, older than them, are then skipped, and the gap stays a gap
 * rather than memory growing without bound.
 */
export class TradeGate {
  private readonly lastId = new Map<string, number>();
  private held: { trade: Trade; receivedAt: number }[] | null = null;

  constructor(
    private readonly source: string,
    private readonly push: (ticks: readonly Tick[]) => void,
    private readonly maxHeld = MAX_HELD_TRADES,
    private readonly onOverflow: (held: number) => void = () => undefined,
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
    if (this.held === null) {
      this.admit(received);
      return;
    }
    this.held.push(...received);
    if (this.held.length > this.maxHeld) {
      this.onOverflow(this.held.length);
      this.release();
    }
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
