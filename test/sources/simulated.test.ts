import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Tick } from '../../src/domain/tick.js';
import { silentLogger } from '../../src/logger.js';
import { SimulatedSource, type SimulatedOptions } from '../../src/sources/simulated.js';
import { collector, until } from './helpers.js';

const T0 = 1_714_564_800_000;

/** Runs a simulated source until it has `count` ticks per symbol; its clock moves 7 ms per reading. */
async function run(count: number, overrides: Partial<SimulatedOptions> = {}): Promise<Tick[]> {
  let now = T0;
  const out = collector();
  const source = new SimulatedSource({
    symbols: ['BTC', 'ETH'],
    rate: 1000,
    seed: 7,
    logger: silentLogger(),
    clock: () => (now += 7),
    ...overrides,
  });
  await source.start(out.sink);
  await until(() => out.ticks.length >= count * 2, `${count} ticks per symbol`);
  await source.close();
  assert.equal(source.status().state, 'stopped');
  return out.ticks;
}

const first = (ticks: readonly Tick[], symbol: string, n: number): Tick[] =>
  ticks.filter((t) => t.symbol === symbol).slice(0, n);
const walkOf = (ticks: readonly Tick[]): [number, number, string | null][] =>
  ticks.map((t) => [t.price, t.volume, t.seq]);

describe('simulated source', () => {
  test('is deterministic for a seed, whatever the timing, and differs for another seed', async () => {
    const a = await run(60);
    const b = await run(60, {
      sleep: (_ms, signal) => (signal.aborted ? Promise.resolve() : new Promise((r) => setTimeout(r, 1))),
    });
    const c = await run(60, { seed: 8 });
    for (const symbol of ['BTC', 'ETH']) {
      assert.deepEqual(walkOf(first(a, symbol, 60)), walkOf(first(b, symbol, 60)), symbol);
      assert.notDeepEqual(
        walkOf(first(a, symbol, 60)).map((w) => w[0]),
        walkOf(first(c, symbol, 60)).map((w) => w[0]),
      );
    }
  });

  test('jumps are part of the seeded sequence: the same seed gives the same ticks, whatever the timing', async () => {
    // At 1,000 ticks/s a jump every 20 ms on average is one tick in 20: about 10 in 200.
    const jumps = { everyMs: 20, size: 0.05 };
    const a = await run(200, { jumps });
    const b = await run(200, {
      jumps,
      sleep: (_ms, signal) => (signal.aborted ? Promise.resolve() : new Promise((r) => setTimeout(r, 1))),
    });
    for (const symbol of ['BTC', 'ETH']) {
      const series = first(a, symbol, 200);
      assert.deepEqual(walkOf(series), walkOf(first(b, symbol, 200)), symbol);
      // The walk itself moves less than 0.5 % a tick, so a step beyond 4 % is a 5 % jump.
      const big = series.filter((t, i) => i > 0 && Math.abs(t.price / series[i - 1]!.price - 1) > 0.04);
      assert.ok(big.length > 0, `${symbol} jumps`);
    }
  });

  test('a restarted run gives new trade ids, never an earlier run’s, so its trades are not duplicates', async () => {
    const earlier = first(await run(200), 'BTC', 200);
    let now = T0 + 1_000;
    const out = collector();
    const later = new SimulatedSource({
      symbols: ['BTC'],
      rate: 1000,
      seed: 7,
      logger: silentLogger(),
      clock: () => (now += 7),
    });
    await later.start(out.sink);
    await until(() => out.ticks.length >= 1, 'a tick');
    await later.close();
    assert.ok(Number(out.ticks[0]!.seq) > Number(earlier.at(-1)!.seq));
  });

  test('walks from realistic prices with small positive steps, random sizes and a counter from its start time', async () => {
    const ticks = await run(200);
    const btc = first(ticks, 'BTC', 200);
    const eth = first(ticks, 'ETH', 200);
    assert.ok(Math.abs(btc[0]!.price / 65_000 - 1) < 0.01, `BTC starts near 65,000: ${btc[0]!.price}`);
    assert.ok(Math.abs(eth[0]!.price / 3_500 - 1) < 0.01, `ETH starts near 3,500: ${eth[0]!.price}`);
    // The clock's first reading (T0 + 7) starts the ids, in µs.
    assert.deepEqual(
      btc.map((t) => t.seq),
      btc.map((_, i) => String((T0 + 7) * 1000 + 1 + i)),
    );
    for (const series of [btc, eth]) {
      for (let i = 1; i < series.length; i++) {
        const r = series[i]!.price / series[i - 1]!.price - 1;
        assert.ok(r !== 0 && Math.abs(r) < 0.005, `step ${i}: ${r}`);
      }
      assert.ok(series.every((t) => t.volume > 0 && t.source === 'simulated' && t.ts === t.receivedAt));
      assert.ok(new Set(series.map((t) => t.volume)).size > series.length / 2, 'sizes vary');
    }
  });

  test('emits `rate` ticks per second of the injected clock, with its time as event time', async () => {
    let now = T0;
    const out = collector();
    const source = new SimulatedSource({
      symbols: ['BTC'],
      rate: 4,
      seed: 1,
      logger: silentLogger(),
      clock: () => now,
      sleep: () => new Promise((r) => setTimeout(r, 2)),
    });
    await source.start(out.sink);
    await until(() => out.ticks.length === 1, 'the first tick, at start');
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(out.ticks.length, 1, 'no time passed, no more ticks');
    now += 1000;
    await until(() => out.ticks.length === 5, 'four more ticks a second later');
    await new Promise((r) => setTimeout(r, 20));
    await source.close();
    assert.deepEqual(
      out.ticks.map((t) => t.ts),
      [T0, T0 + 1000, T0 + 1000, T0 + 1000, T0 + 1000],
    );
  });
});
