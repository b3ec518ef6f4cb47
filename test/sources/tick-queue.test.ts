import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Tick } from '../../src/domain/tick.js';
import { epochMs } from '../../src/domain/time.js';
import { silentLogger } from '../../src/logger.js';
import { TickQueue } from '../../src/sources/tick-queue.js';
import { TradeGate } from '../../src/sources/trade-gate.js';
import { until } from './helpers.js';

const tick = (seq: number): Tick => ({
  symbol: 'BTC',
  price: 1,
  ts: epochMs(seq),
  receivedAt: epochMs(seq),
  source: 'binance',
  volume: 1,
  seq: String(seq),
  change24h: null,
  volume24h: null,
});
const options = { logger: silentLogger(), label: 'test', backoff: { baseMs: 1, maxMs: 5 } };

describe('TickQueue', () => {
  test('hands ticks over in order, one batch at a time, and retries a failing sink without losing any', async () => {
    const got: string[] = [];
    let inFlight = 0;
    let failures = 2;
    const queue = new TickQueue(
      async (batch) => {
        assert.equal(++inFlight, 1, 'one sink call at a time');
        await new Promise((r) => setTimeout(r, 2));
        inFlight--;
        if (failures-- > 0) throw new Error('log unavailable');
        got.push(...batch.map((t) => t.seq!));
      },
      { ...options, maxBatch: 3 },
    );
    for (let i = 1; i <= 10; i++) queue.push([tick(i)]);
    await until(() => got.length === 10, 'every tick');
    assert.deepEqual(got, ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    await queue.close();
  });

  test('asks the producer to pause above the high-water mark and to resume at half of it', async () => {
    const pressure: boolean[] = [];
    let release: () => void = () => undefined;
    const queue = new TickQueue(() => new Promise<void>((r) => (release = r)), {
      ...options,
      maxBatch: 2,
      highWater: 4,
      onPressure: (paused) => pressure.push(paused),
    });
    queue.push([tick(1), tick(2), tick(3), tick(4)]);
    assert.deepEqual(pressure, [true]);
    release();
    await until(() => queue.size === 2, 'one batch handed over');
    assert.deepEqual(pressure, [true, false]);
    release();
    await queue.close();
  });

  test('close() makes one last attempt and gives up on a sink that still fails', async () => {
    let calls = 0;
    const queue = new TickQueue(() => Promise.reject(new Error(`down ${++calls}`)), {
      ...options,
      backoff: { baseMs: 10_000, maxMs: 10_000 },
    });
    queue.push([tick(1)]);
    await until(() => calls === 1, 'the first attempt');
    const began = Date.now();
    await queue.close();
    assert.ok(Date.now() - began < 1000, 'close did not wait for the backoff');
    assert.equal(calls, 2);
    assert.equal(queue.size, 0);
  });
});

describe('TradeGate', () => {
  const trade = (id: number, symbol = 'BTC') => ({ symbol, id, price: 1, size: 1, ts: id });

  test('never emits a trade id twice per symbol; back-filled trades go before held live ones', () => {
    const out: string[] = [];
    const gate = new TradeGate('coinbase', (ticks) => out.push(...ticks.map((t) => `${t.symbol}${t.seq}`)));
    gate.live([trade(1), trade(2), trade(1, 'ETH')], 0);
    gate.live([trade(2)], 0);
    assert.deepEqual(
      [...gate.lastIds()],
      [
        ['BTC', 2],
        ['ETH', 1],
      ],
    );
    gate.hold();
    gate.live([trade(5), trade(6)], 0);
    gate.backfilled([trade(3), trade(4), trade(5)], 0);
    gate.release();
    gate.live([trade(6), trade(7)], 0);
    assert.deepEqual(out, ['BTC1', 'BTC2', 'ETH1', 'BTC3', 'BTC4', 'BTC5', 'BTC6', 'BTC7']);
  });

  test('more held trades than the bound go at once, said once, and the back-fill behind them is skipped', () => {
    const out: string[] = [];
    const overflows: number[] = [];
    const gate = new TradeGate(
      'coinbase',
      (ticks) => out.push(...ticks.map((t) => `${t.symbol}${t.seq}`)),
      3,
      (held) => overflows.push(held),
    );
    gate.live([trade(1)], 0);
    gate.hold();
    gate.live([trade(10), trade(11)], 0);
    gate.live([trade(12)], 0);
    assert.deepEqual(out, ['BTC1'], 'three wait');
    gate.live([trade(13)], 0);
    assert.deepEqual(overflows, [4]);
    assert.deepEqual(out, ['BTC1', 'BTC10', 'BTC11', 'BTC12', 'BTC13'], 'the fourth lets them all go');
    gate.backfilled([trade(2), trade(3)], 0);
    gate.live([trade(14)], 0);
    gate.release();
    assert.deepEqual(out.slice(5), ['BTC14'], 'older back-filled trades are skipped; live ones flow');
  });
});
