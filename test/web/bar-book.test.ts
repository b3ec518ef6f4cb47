import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CandleJson } from '../../src/domain/candle.js';
import { BarBook } from '../../src/web/bar-book.js';

const MIN = 60_000;
const T0 = 1_700_000_040_000 - (1_700_000_040_000 % MIN);

function candle(i: number, close: number, volume: number | null = 1): CandleJson {
  const start = T0 + i * MIN;
  return {
    symbol: 'BTC',
    interval: '1m',
    window_start: start,
    window_end: start + MIN,
    open: 100,
    high: Math.max(100, close),
    low: Math.min(100, close),
    close,
    volume,
    trades: 1,
    vwap: volume === null ? null : close,
  };
}

const times = (book: BarBook): number[] => book.bars().map((b) => (b.time - T0) / MIN);

describe('BarBook', () => {
  test('history, then live candles: the newest is updated in place or appended', () => {
    const book = new BarBook();
    book.setHistory([candle(0, 101), candle(1, 102), candle(2, 103)]);
    assert.deepEqual(times(book), [0, 1, 2]);
    assert.equal(book.live(candle(3, 104), false), 'last');
    assert.equal(book.live(candle(3, 105), false), 'last');
    assert.deepEqual(times(book), [0, 1, 2, 3]);
    assert.equal(book.last()?.close, 105);
    assert.equal(book.last()?.closed, false);
  });

  test('a change to an older bar asks for a redraw, never an update of the newest', () => {
    const book = new BarBook();
    book.setHistory([candle(0, 101)]);
    book.live(candle(1, 102), false);
    book.live(candle(2, 103), false);
    // Window 1 closes after window 2 has begun: the watermark trails the newest tick.
    assert.equal(book.live(candle(1, 102.5), true), 'redraw');
    assert.equal(book.bars()[1]?.close, 102.5);
    assert.equal(book.bars()[1]?.closed, true);
    // A window missing from the book (its ticks came while the page was away) is inserted in order.
    const gap = new BarBook();
    gap.setHistory([candle(0, 1), candle(2, 3)]);
    assert.equal(gap.live(candle(1, 2), true), 'redraw');
    assert.deepEqual(times(gap), [0, 1, 2]);
  });

  test('a repeat, or an in-progress candle for a closed bar, changes nothing', () => {
    const book = new BarBook();
    book.setHistory([candle(0, 101), candle(1, 102)]);
    assert.equal(book.live(candle(1, 102), true), 'none');
    assert.equal(book.live(candle(1, 999), false), 'none');
    assert.equal(book.bars()[1]?.close, 102);
  });

  test('reloaded history fills the windows missed while away and keeps the live bar beyond it', () => {
    const book = new BarBook();
    book.setHistory([candle(0, 1), candle(1, 2)]);
    book.live(candle(5, 6), false);
    book.setHistory([candle(1, 2), candle(2, 3), candle(3, 4), candle(4, 5)]);
    assert.deepEqual(times(book), [0, 1, 2, 3, 4, 5]);
    assert.equal(book.last()?.closed, false);
  });

  test('prepend adds only older bars, in order, and says how many', () => {
    const book = new BarBook();
    book.setHistory([candle(5, 1), candle(6, 2)]);
    assert.equal(book.prepend([candle(3, 1), candle(4, 1), candle(5, 9)]), 2);
    assert.deepEqual(times(book), [3, 4, 5, 6]);
    assert.equal(book.bars()[2]?.close, 1);
    assert.equal(book.prepend([candle(3, 1)]), 0);
  });

  test('volume is unknown only when no bar carries a size', () => {
    const book = new BarBook();
    assert.equal(book.volumeUnknown(), true);
    book.setHistory([candle(0, 1, null), candle(1, 1, null)]);
    assert.equal(book.volumeUnknown(), true);
    book.live(candle(2, 1, 0.5), false);
    assert.equal(book.volumeUnknown(), false);
  });
});
