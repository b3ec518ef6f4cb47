import { seededRandom } from '../../src/lib/seeded-random.js';

export const TRADE_FILE_T0 = 1_699_999_200_000;

/**
 * `count` trades of BTC and ETH in turn, 20 ms apart from TRADE_FILE_T0, each with a size and a sequence
 * number, as JSONL for the file source or `tickflow replay`: a random walk drawn from `seed`.
 */
export function tradeFile(count: number, seed: number): string {
  const random = seededRandom(seed);
  const price = { BTC: 43_000, ETH: 2_300 };
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const symbol = i % 2 === 0 ? 'BTC' : 'ETH';
    price[symbol] *= 1 + (random() - 0.5) * 0.002;
    const volume = Math.round(random() * 1_000) / 1_000 + 0.001;
    lines.push(
      JSON.stringify({ symbol, price: price[symbol], ts: TRADE_FILE_T0 + i * 20, volume, seq: i + 1 }),
    );
  }
  return lines.join('\n') + '\n';
}
