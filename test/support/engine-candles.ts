import type { Config } from '../../src/config/load-config.js';
import type { Candle } from '../../src/domain/candle.js';
import type { Tick } from '../../src/domain/tick.js';
import { createOperator } from '../../src/pipeline/create-operator.js';

/** What the engine closes from the ticks, with no end-of-input flush: a live run has not ended. */
export function engineCandles(config: Config, ticks: readonly Tick[]): Candle[] {
  const candles: Candle[] = [];
  const operator = createOperator(config, {
    candle: (c) => candles.push(c),
    alert: () => undefined,
    late: () => undefined,
  });
  for (const t of ticks) operator.process(t);
  return candles;
}
