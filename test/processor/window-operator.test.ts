import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { epochMs } from '../../src/domain/time.js';
import { harness, min, sec, T0, tick } from '../support/operator-harness.js';

describe('window edges', () => {
  test('a tick exactly at window_end belongs to the next window; one at end - 1 to this one', () => {
    const h = harness({ intervals: '1m' });
    h.feed(
      tick({ ts: T0, price: 1 }),
      tick({ ts: T0 + min(1) - 1, price: 2 }),
      tick({ ts: T0 + min(1), price: 3 }),
    );
    h.op.flush();
    assert.deepEqual(
      h.candles.map((c) => [c.windowStart, c.windowEnd, c.open, c.close, c.trades]),
      [
        [T0, T0 + min(1), 1, 2, 2],
        [T0 + min(1), T0 + min(2), 3, 3, 1],
      ],
    );
  });

  test('a window fires exactly when W reaches end - 1, that is when a tick at end + bound arrives', () => {
    const h = harness({ intervals: '1m', outOfOrdernessMs: sec(10) });
    h.feed(tick({ ts: T0 }), tick({ ts: T0 + min(1) + sec(10) - 1 }));
    assert.equal(h.candles.length, 0, 'W = end - 2: not yet');
    h.feed(tick({ ts: T0 + min(1) + sec(10) }));
    assert.equal(h.candles.length, 1, 'W = end - 1: fires');
    assert.equal(h.op.watermarkOf('BTC'), T0 + min(1) - 1);
  });

  test('a window opened by an out-of-order tick, after a later window, fires when W reaches its end - 1', () => {
    // With 30 s of allowed lateness, the next purge is later than this window's end: only its own end counts.
    const h = harness({ intervals: '1m', outOfOrdernessMs: sec(10), allowedLatenessMs: sec(30) });
    h.feed(tick({ ts: T0 + min(1) + sec(5), price: 2 }), tick({ ts: T0 + sec(50), price: 1 }));
    assert.equal(h.candles.length, 0, 'W = end - 6 s: nothing has fired');
    h.feed(tick({ ts: T0 + min(1) + sec(10), price: 3 }));
    assert.deepEqual(
      h.candles.map((c) => [c.windowStart, c.open, c.trades]),
      [[T0, 1, 1]],
      'W = end - 1 of the earlier window: it fires, with its one tick',
    );
  });

  test('empty windows produce no candle', () => {
    const h = harness({ intervals: '1m' });
    h.feed(tick({ ts: T0 }), tick({ ts: T0 + min(5) }));
    h.op.flush();
    assert.deepEqual(
      h.candles.map((c) => c.windowStart),
      [T0, T0 + min(5)],
    );
  });

  test('windows are aligned to the epoch for every interval, and fire in end order', () => {
    const h = harness();
    h.feed(tick({ ts: T0 + min(14) + sec(30) }), tick({ ts: T0 + min(16) }));
    h.op.flush();
    assert.deepEqual(
      h.candles.map((c) => `${c.interval}@${(c.windowStart - T0) / 60_000}`),
      ['1m@14', '5m@10', '15m@0', '1m@16', '5m@15', '15m@15'],
    );
  });
});

describe('event-time clock', () => {
  test('the watermark never goes backwards', () => {
    const h = harness({ intervals: '1m' });
    const seen: number[] = [];
    for (const ts of [T0 + sec(50), T0 + sec(20), T0 + sec(55), T0 + sec(1), T0 + sec(54)]) {
      h.feed(tick({ ts }));
      seen.push(h.op.watermarkOf('BTC'));
    }
    assert.deepEqual(
      seen,
      [...seen].sort((a, b) => a - b),
    );
    assert.equal(h.op.watermarkOf('BTC'), T0 + sec(55) - sec(10) - 1);
  });

  test('out-of-order ticks within the bound still count, and open/close follow event time', () => {
    const h = harness({ intervals: '1m' });
    h.feed(
      tick({ ts: T0 + sec(30), price: 2 }),
      tick({ ts: T0 + sec(25), price: 1 }),
      tick({ ts: T0 + sec(40), price: 3 }),
    );
    h.op.flush();
    assert.equal(h.late.length, 0);
    assert.deepEqual([h.candles[0]!.open, h.candles[0]!.close, h.candles[0]!.trades], [1, 3, 3]);
  });

  test('ties in event time: the earlier tick in log order opens, the later one closes', () => {
    const h = harness({ intervals: '1m' });
    h.feed(tick({ ts: T0, price: 1, seq: 'a' }), tick({ ts: T0, price: 2, seq: 'b' }));
    h.op.flush();
    assert.deepEqual([h.candles[0]!.open, h.candles[0]!.close], [1, 2]);
  });

  test("a lagging symbol's ticks are not made late by a faster symbol", () => {
    const h = harness({ intervals: '1m' });
    h.feed(
      tick({ symbol: 'BTC', ts: T0 + min(30) }),
      tick({ symbol: 'ETH', ts: T0 }),
      tick({ symbol: 'ETH', ts: T0 + sec(1) }),
    );
    assert.equal(h.late.length, 0);
    h.op.flush();
    const eth = h.candles.filter((c) => c.symbol === 'ETH');
    assert.deepEqual(
      eth.map((c) => c.trades),
      [2],
    );
  });
});

describe('late data', () => {
  test('a tick for a fired window goes to the side output and never changes the candle', () => {
    const h = harness({ intervals: '1m' });
    h.feed(
      tick({ ts: T0, price: 1 }),
      tick({ ts: T0 + min(2), price: 2 }),
      tick({ ts: T0 + sec(5), price: 99 }),
    );
    h.op.flush();
    assert.equal(h.late.length, 1);
    assert.deepEqual(h.late[0], {
      tick: tick({ ts: T0 + sec(5), price: 99 }),
      interval: '1m',
      windowStart: T0,
      accepted: false,
    });
    assert.equal(h.candles[0]!.high, 1);
    assert.equal(h.op.stats.lateTicks, 1);
    assert.equal(h.op.stats.droppedTicks, 1);
  });

  test('a tick late for 1m can still count in 5m and 15m', () => {
    const h = harness();
    h.feed(
      tick({ ts: T0, price: 1 }),
      tick({ ts: T0 + min(2), price: 2 }),
      tick({ ts: T0 + sec(5), price: 99 }),
    );
    h.op.flush();
    assert.equal(h.op.stats.lateTicks, 1);
    assert.equal(h.op.stats.droppedTicks, 0);
    assert.deepEqual(
      h.candles.filter((c) => c.interval !== '1m').map((c) => c.high),
      [99, 99],
    );
  });

  test('with allowed lateness a late tick re-emits the candle as an update, then later ones are dropped', () => {
    const h = harness({ intervals: '1m', allowedLatenessMs: min(1) });
    h.feed(tick({ ts: T0, price: 1 }), tick({ ts: T0 + min(1) + sec(20), price: 2 }));
    assert.equal(h.candles.length, 1);
    h.feed(tick({ ts: T0 + sec(5), price: 5 }));
    assert.deepEqual(
      h.updates.map((c) => [c.windowStart, c.high, c.trades]),
      [[T0, 5, 2]],
    );
    assert.equal(h.late[0]!.accepted, true);
    h.feed(tick({ ts: T0 + min(2) + sec(20), price: 3 }), tick({ ts: T0 + sec(6), price: 7 }));
    assert.equal(h.updates.length, 1, 'past the allowed lateness the window is purged');
    assert.equal(h.late[1]!.accepted, false);
  });
});

describe('deduplication', () => {
  test('repeated snapshots (same source, symbol, event time and sequence) count once', () => {
    const h = harness({ intervals: '1m' });
    const snap = tick({ ts: T0 + sec(3), price: 5, source: 'coingecko' });
    h.feed(
      snap,
      snap,
      { ...snap, receivedAt: epochMs(T0 + sec(30)) },
      tick({ ts: T0 + sec(3), price: 5, source: 'other' }),
    );
    h.op.flush();
    assert.equal(h.candles[0]!.trades, 2);
    assert.equal(h.op.stats.duplicates, 2);
  });

  test('trades with the same event time but different sequence numbers are all counted', () => {
    const h = harness({ intervals: '1m' });
    h.feed(
      tick({ ts: T0, seq: '1', volume: 1 }),
      tick({ ts: T0, seq: '2', volume: 2 }),
      tick({ ts: T0, seq: '1', volume: 1 }),
    );
    h.op.flush();
    assert.deepEqual([h.candles[0]!.trades, h.candles[0]!.volume], [2, 3]);
  });
});

describe('OHLCV aggregate', () => {
  test('volume, trades and VWAP; VWAP is null without volume', () => {
    const h = harness({ intervals: '1m' });
    h.feed(
      tick({ ts: T0, price: 10, volume: 1 }),
      tick({ ts: T0 + 1, price: 20, volume: 3 }),
      tick({ symbol: 'ETH', ts: T0, price: 3 }),
    );
    h.op.flush();
    const [btc, eth] = h.candles;
    assert.deepEqual([btc!.volume, btc!.trades, btc!.vwap, btc!.high, btc!.low], [4, 2, 17.5, 20, 10]);
    assert.equal(eth!.vwap, null);
  });

  test('open candles are visible as closed: false', () => {
    const h = harness({ intervals: '1m,5m' });
    h.feed(tick({ ts: T0, price: 10 }), tick({ ts: T0 + sec(30), price: 11 }));
    const open = h.op.openCandles('BTC');
    assert.deepEqual(
      open.map((c) => [c.interval, c.close, c.closed]),
      [
        ['1m', 11, false],
        ['5m', 11, false],
      ],
    );
    assert.deepEqual(h.op.openCandles('NOPE'), []);
  });
});

describe('idle symbols (live mode only)', () => {
  test("a quiet symbol's windows close after the idle timeout in live mode", () => {
    let now = 1_000_000;
    const h = harness({ intervals: '1m', idle: { timeoutMs: min(1), clock: () => epochMs(now) } });
    h.feed(tick({ ts: T0 + sec(5) }));
    now += min(1);
    h.op.onProcessingTime();
    assert.equal(h.candles.length, 0, 'just idle: the clock starts moving from here');
    now += min(1) + sec(4);
    h.op.onProcessingTime();
    assert.equal(h.candles.length, 0, 'W = T0 + 5s + 64s - 10s - 1 = end - 2');
    now += sec(1);
    h.op.onProcessingTime();
    assert.equal(h.candles.length, 1, 'W = end - 1');
    assert.equal(h.op.watermarkOf('BTC'), T0 + min(1) - 1);
  });

  test('a tick keeps a symbol from being idle', () => {
    let now = 0;
    const h = harness({ intervals: '1m', idle: { timeoutMs: min(1), clock: () => epochMs(now) } });
    h.feed(tick({ ts: T0 }));
    now += sec(59);
    h.feed(tick({ ts: T0 + sec(1) }));
    now += sec(59);
    h.op.onProcessingTime();
    assert.equal(h.op.watermarkOf('BTC'), T0 + sec(1) - sec(10) - 1);
  });

  test('replay (no clock) never advances a quiet symbol', () => {
    const h = harness({ intervals: '1m' });
    h.feed(tick({ ts: T0 }));
    h.op.onProcessingTime();
    assert.equal(h.candles.length, 0);
    assert.equal(h.op.watermarkOf('BTC'), T0 - sec(10) - 1);
  });
});
