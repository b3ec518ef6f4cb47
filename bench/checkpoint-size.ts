/**
 * The size of a partition's checkpoint at exchange rates: 10 symbols at 1,000 trades/s each for 15
 * minutes of event time (9 M trades with consecutive trade ids, a few milliseconds out of order), then
 * one checkpoint of the operator's whole state, encoded as it is stored.
 */
import { encodeCheckpoint, snapshotOperator } from '../src/processor/checkpoint-codec.js';
import { WindowOperator } from '../src/processor/window-operator.js';
import { seededRandom } from '../src/lib/seeded-random.js';
import { defaultOptions, report, T0, tick } from './support.js';

const SYMBOLS = 10;
const PER_SECOND = 1_000;
const SECONDS = 15 * 60;

const rand = seededRandom(3);
const operator = new WindowOperator(defaultOptions(), {
  candle: () => undefined,
  alert: () => undefined,
  late: () => undefined,
});
const ids = Array.from({ length: SYMBOLS }, (_, s) => 1_000_000_000 * (s + 1));
for (let ms = 0; ms < SECONDS * 1_000; ms++) {
  for (let s = 0; s < SYMBOLS; s++) {
    const ts = T0 + ms - Math.floor(rand() * 5);
    operator.process(tick(`SYM${s}`, 100 + s + rand(), ts, rand(), String(ids[s]!++)));
  }
}
const encoded = encodeCheckpoint(snapshotOperator(operator));
report({
  bench: 'checkpoint_size',
  symbols: SYMBOLS,
  trades_per_sec_per_symbol: PER_SECOND,
  event_seconds: SECONDS,
  trades: SYMBOLS * PER_SECOND * SECONDS,
  checkpoint_bytes: Buffer.byteLength(encoded),
});
