/**
 * Processor core throughput on one core: 100 symbols × 3 intervals (1m, 5m, 15m), all in memory, with
 * out-of-order ticks within the bound and all anomaly rules on. Ticks are built before timing starts.
 */
import { WindowOperator } from '../src/processor/window-operator.js';
import type { Tick } from '../src/domain/tick.js';
import { seededRandom } from '../src/lib/seeded-random.js';
import { defaultOptions, medianBy, report, T0, tick } from './support.js';

const SYMBOLS = 100;
const TICKS = 1_000_000;
const PASSES = 5;
const FIRST_TRADE_ID = 3_000_000_000;

const rand = seededRandom(42);
const names = Array.from({ length: SYMBOLS }, (_, i) => `SYM${i}`);
const prices = names.map(() => 100 + rand() * 1000);
// Each symbol gets a tick every 100 ms of event time; one in ten arrives up to 5 s out of order. Trade ids
// count per symbol, as an exchange numbers each market's trades.
const ticks: Tick[] = [];
for (let k = 0; k < TICKS; k++) {
  const s = k % SYMBOLS;
  prices[s] = prices[s]! * (1 + (rand() - 0.5) * 0.002);
  const ts = T0 + Math.floor(k / SYMBOLS) * 100 - (rand() < 0.1 ? Math.floor(rand() * 5_000) : 0);
  ticks.push(tick(names[s]!, prices[s], ts, rand() * 2, String(FIRST_TRADE_ID + Math.floor(k / SYMBOLS))));
}
let candles = 0;
let alerts = 0;
const output = {
  candle: () => {
    candles++;
  },
  alert: () => {
    alerts++;
  },
  late: () => undefined,
};

// Every pass runs a fresh operator over the same ticks (17 minutes of event time), so the benchmark itself
// allocates nothing while it is timed; pass 0 warms the JIT up.
const rates: number[] = [];
let operator = new WindowOperator(defaultOptions(), output);
for (let pass = 0; pass <= PASSES; pass++) {
  operator = new WindowOperator(defaultOptions(), output);
  const started = process.hrtime.bigint();
  for (const t of ticks) operator.process(t);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (pass > 0) rates.push(TICKS / seconds);
}
rates.sort((a, b) => a - b);

report({
  bench: 'processor_throughput',
  symbols: SYMBOLS,
  intervals: ['1m', '5m', '15m'],
  ticks_per_pass: TICKS,
  passes: PASSES,
  ticks_per_sec_median: Math.round(medianBy(rates, (r) => r)),
  ticks_per_sec_best: Math.round(rates[rates.length - 1]!),
  ticks_per_sec_worst: Math.round(rates[0]!),
  target_ticks_per_sec: 3_000_000,
  candles_per_pass: candles / (PASSES + 1),
  alerts_per_pass: alerts / (PASSES + 1),
  late_ticks: operator.stats.lateTicks,
});
