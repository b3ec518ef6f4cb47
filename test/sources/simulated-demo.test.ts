import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadConfig } from '../../src/config/load-config.js';
import type { Alert } from '../../src/domain/alert.js';
import { epochMs } from '../../src/domain/time.js';
import { silentLogger } from '../../src/logger.js';
import { createOperator } from '../../src/pipeline/create-operator.js';
import { simulatedOptions } from '../../src/sources/create-sources.js';
import { SimulatedSource } from '../../src/sources/simulated.js';
import { until } from './helpers.js';

/** An instant on a 15-minute boundary, so every default window starts there. */
const ALIGNED = 1_699_999_200_000;

interface Seen {
  readonly alert: Alert;
  /** Event time of the tick that made the processor raise it, from the start of the run. */
  readonly after: number;
}

/**
 * `tickflow start --sources simulated` with every other setting at its default, for `spanMs` of event time
 * from `start`: the simulated source on an injected clock whose sleeps pass at once, its ticks through the
 * processor the settings build.
 */
async function demo(start: number, spanMs: number): Promise<Seen[]> {
  const config = loadConfig({ env: {}, flags: { sources: 'simulated' } });
  let now = start;
  let latest = start;
  const seen: Seen[] = [];
  const operator = createOperator(
    config,
    { candle: () => {}, alert: (alert) => seen.push({ alert, after: latest - start }), late: () => {} },
    () => epochMs(now),
  );
  let stopped: Promise<void> | undefined;
  const source: SimulatedSource = new SimulatedSource({
    ...simulatedOptions(config.settings),
    logger: silentLogger(),
    clock: () => now,
    sleep: (ms) => {
      now += ms;
      if (now - start > spanMs) stopped ??= source.close();
      return Promise.resolve();
    },
  });
  await source.start((ticks) => {
    for (const tick of ticks) {
      latest = tick.ts;
      operator.process(tick);
    }
    return Promise.resolve();
  });
  await until(() => stopped !== undefined, 'the end of the span');
  await stopped;
  return seen;
}

// Where the run starts within a minute decides how much of it the first 1m window wastes (it has no previous
// close to compare with): from a boundary, and just after one (the least time left), halfway and just before.
const STARTS = [0, 1_000, 30_000, 59_500].map((offset) => ALIGNED + offset);

describe('the simulated demo with default settings', () => {
  for (const start of STARTS) {
    test(`raises price_spike within 3 minutes and volume_spike within 15, starting ${(start - ALIGNED) / 1000} s past a boundary`, async () => {
      const seen = await demo(start, 15 * 60_000);
      const spike = seen.find((s) => s.alert.rule === 'price_spike');
      assert.ok(
        spike !== undefined && spike.after <= 3 * 60_000,
        `first price_spike: ${JSON.stringify(spike)}`,
      );
      // One 2 % jump and about a minute of the walk (σ ≈ 0.1 % a minute) between the two closes.
      assert.equal(spike.alert.interval, '1m');
      assert.ok(Math.abs(Math.abs(spike.alert.value) - 0.02) < 0.005, `return ${spike.alert.value}`);
      // A jump's 30 s of ten-times sizes make its candle about 5.5 times a quiet one; the rule wants 3 times the
      // mean of the 20 before, which holds a burst or two.
      const volume = seen.find((s) => s.alert.rule === 'volume_spike');
      assert.ok(volume !== undefined, 'a volume_spike');
      assert.ok(volume.alert.value >= 3);
    });
  }
});
