import type { Tick } from '../domain/tick.js';
import { epochMs } from '../domain/time.js';
import { seededRandom } from '../lib/seeded-random.js';
import { type JumpOptions, PriceJumps } from './price-jumps.js';

/** FNV-1a, to give each symbol its own stream from one seed. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Realistic starting points (USD) for the common symbols; others start at 100. */
export const START_PRICES: Readonly<Record<string, number>> = {
  BTC: 65_000,
  ETH: 3_500,
  SOL: 150,
  BNB: 580,
  XRP: 0.55,
  ADA: 0.45,
  DOGE: 0.15,
};
/** Annualised volatility; others 0.9. */
const VOLATILITY: Readonly<Record<string, number>> = { BTC: 0.6, ETH: 0.75 };
const YEAR_SECONDS = 365 * 86_400;
/** Median trade size in USD; sizes are log-normal around it. */
const MEDIAN_NOTIONAL = 2_000;

/**
 * One symbol's price as geometric Brownian motion without drift, stepped once per tick (dt = 1/rate s):
 * `S ← S · exp(−σ²dt/2 + σ√dt·Z)`, with optional jumps on top (PriceJumps). Trade sizes are log-normal.
 * The sequence depends only on the seed, the symbol, the rate and the jump options, never on timing.
 * `seq` counts on from `firstSeq`.
 */
export class RandomWalk {
  private price: number;
  private seq: number;
  private readonly random: () => number;
  private readonly drift: number;
  private readonly diffusion: number;
  private readonly jumps: PriceJumps | null;

  constructor(
    readonly symbol: string,
    seed: number,
    ratePerSecond: number,
    jumps?: JumpOptions,
    firstSeq = 1,
  ) {
    this.seq = firstSeq - 1;
    this.random = seededRandom(hash(symbol) ^ seed);
    // Jumps draw from a stream of their own: turning them on or off leaves the walk between them as it was.
    this.jumps =
      jumps === undefined ? null : new PriceJumps(hash(`${symbol}:jumps`) ^ seed, ratePerSecond, jumps);
    this.price = START_PRICES[symbol] ?? 100;
    const sigma = VOLATILITY[symbol] ?? 0.9;
    const dt = 1 / ratePerSecond / YEAR_SECONDS;
    this.drift = (-sigma * sigma * dt) / 2;
    this.diffusion = sigma * Math.sqrt(dt);
  }

  next(at: number): Tick {
    const jump = this.jumps?.next();
    this.price *= Math.exp(this.drift + this.diffusion * this.normal()) * (jump?.price ?? 1);
    const notional = MEDIAN_NOTIONAL * Math.exp(this.normal()) * (jump?.volume ?? 1);
    const size = Math.max(1e-8, Math.round(notional / this.price / 1e-8) * 1e-8);
    this.seq++;
    return {
      symbol: this.symbol,
      price: Number(this.price.toPrecision(8)),
      ts: epochMs(at),
      receivedAt: epochMs(at),
      source: 'simulated',
      volume: Number(size.toFixed(8)),
      seq: String(this.seq),
      change24h: null,
      volume24h: null,
    };
  }

  /** A standard normal draw (Box–Muller). */
  private normal(): number {
    const u = 1 - this.random();
    const v = this.random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}
