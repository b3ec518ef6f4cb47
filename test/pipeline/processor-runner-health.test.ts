import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { checkHealth } from '../../src/pipeline/health-check.js';
import { sec, T0, tick } from '../support/operator-harness.js';
import { waitFor } from '../support/wait.js';
import { type RunnerHarness, startRunner } from './runner-harness.js';

let h: RunnerHarness;
before(async () => {
  h = await startRunner({ 'commit-interval': '50ms', 'checkpoint-interval': '100ms' });
});
after(() => h.close());

const processorHealth = async () => {
  const report = await checkHealth(
    [{ name: 'processor', required: false, check: () => h.runner.describe() }],
    [],
  );
  return { overall: report.status, ...report.components['processor'] };
};

const btc = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => tick({ ts: T0 + sec(30 * (from + i)), price: 100 + i }));

test(
  '/health says the processor is down once its commits keep failing, not "up"',
  { timeout: 30_000 },
  async () => {
    await h.send(btc(0, 10));
    await waitFor('the ticks to be processed', async () => (await h.runner.lag()) === 0);
    assert.equal((await processorHealth()).status, 'up');

    await h.store.close(); // every commit from now on fails
    await h.send(btc(10, 10)); // closes more windows: candles to commit
    const down = await waitFor('the processor to be reported down', async () => {
      const health = await processorHealth();
      return health.status === 'down' ? health : undefined;
    });
    assert.equal(down.overall, 'degraded', 'the processor is not a required component');
    assert.match(down.detail ?? '', /^failing for \d+\.\d s \(commit: .+\); lag \d+;/);
  },
);
