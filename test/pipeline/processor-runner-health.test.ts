import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { MemoryCache } from '../../src/cache/memory-cache.js';
import { loadConfig } from '../../src/config/load-config.js';
import { EmbeddedLog } from '../../src/log/embedded-log.js';
import { PRICES_TOPIC } from '../../src/log/log.js';
import { silentLogger } from '../../src/logger.js';
import { checkHealth } from '../../src/pipeline/health-check.js';
import { encodeTick } from '../../src/pipeline/price-message.js';
import { ProcessorRunner } from '../../src/pipeline/processor-runner.js';
import { ensureTopics } from '../../src/pipeline/topics.js';
import { createPgliteStore } from '../../src/store/pglite-store.js';
import type { Store } from '../../src/store/store.js';
import { sec, T0, tick } from '../support/operator-harness.js';
import { waitFor } from '../support/wait.js';

const config = loadConfig({ env: {}, flags: { 'commit-interval': '50ms', 'checkpoint-interval': '100ms' } });

let dir: string;
let log: EmbeddedLog;
let store: Store;
let runner: ProcessorRunner;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tickflow-runner-health-'));
  log = new EmbeddedLog(join(dir, 'log'), silentLogger());
  store = createPgliteStore(join(dir, 'store'), silentLogger());
  await Promise.all([log.start(), store.start()]);
  await ensureTopics(log);
  runner = new ProcessorRunner({
    log,
    store,
    cache: new MemoryCache(),
    config,
    logger: silentLogger(),
    clock: Date.now,
  });
  await runner.start();
});

after(async () => {
  await runner.close().catch(() => undefined);
  await log.close();
  await rm(dir, { recursive: true, force: true });
});

const processorHealth = async () => {
  const report = await checkHealth(
    [{ name: 'processor', required: false, check: () => runner.describe() }],
    [],
  );
  return { overall: report.status, ...report.components['processor'] };
};

const send = (from: number, count: number) =>
  log.producer().send(
    PRICES_TOPIC,
    Array.from({ length: count }, (_, i) => {
      const t = tick({ symbol: 'BTC', ts: T0 + sec(30 * (from + i)), price: 100 + i });
      return { key: t.symbol, value: encodeTick(t) };
    }),
  );

test(
  '/health says the processor is down once its commits keep failing, not "up"',
  { timeout: 30_000 },
  async () => {
    await send(0, 10);
    await waitFor('the ticks to be processed', async () => (await runner.lag()) === 0);
    assert.equal((await processorHealth()).status, 'up');

    await store.close(); // every commit from now on fails
    await send(10, 10); // closes more windows: candles to commit
    const down = await waitFor('the processor to be reported down', async () => {
      const h = await processorHealth();
      return h.status === 'down' ? h : undefined;
    });
    assert.equal(down.overall, 'degraded', 'the processor is not a required component');
    assert.match(down.detail ?? '', /^failing for \d+\.\d s \(commit: .+\); lag \d+;/);
  },
);
