/**
 * Heap used by the processor's open state: 10,000 symbols × 3 intervals, each symbol with open windows in
 * every interval, a few ticks deduplicated and its detector history filled.
 */
import { WindowOperator } from '../src/processor/window-operator.js';
import { seededRandom } from '../src/lib/seeded-random.js';
import { defaultOptions, gc, report, T0, tick } from './support.js';

const SYMBOLS = 10_000;
const TICKS_PER_SYMBOL = 5;
const rand = seededRandom(7);

gc();
const before = process.memoryUsage().heapUsed;
const operator = new WindowOperator(defaultOptions(), {
  candle: () => undefined,
  alert: () => undefined,
  late: () => undefined,
});
for (let i = 0; i < TICKS_PER_SYMBOL; i++) {
  for (let s = 0; s < SYMBOLS; s++)
    operator.process(tick(`SYM${s}`, 100 + rand(), T0 + i * 1_000, rand(), String(i)));
}
gc();
const after = process.memoryUsage().heapUsed;
const open = operator.openCandles('SYM0').length;

report({
  bench: 'processor_memory',
  symbols: SYMBOLS,
  intervals: 3,
  open_windows: SYMBOLS * open,
  heap_used_mb: Math.round(((after - before) / 1024 / 1024) * 10) / 10,
  bytes_per_symbol: Math.round((after - before) / SYMBOLS),
  target_mb: 100,
});
