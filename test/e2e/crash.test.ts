import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Alert } from '../../src/domain/alert.js';
import type { Candle } from '../../src/domain/candle.js';
import type { Tick } from '../../src/domain/tick.js';
import { loadConfig } from '../../src/config/load-config.js';
import { silentLogger } from '../../src/logger.js';
import { createOperator } from '../../src/pipeline/create-operator.js';
import { createPgliteStore } from '../../src/store/pglite-store.js';
import { type Outcome, startFakeCoinGecko } from '../fixtures/fake-coingecko.js';
import { startTickflow } from '../support/tickflow-process.js';
import { waitFor } from '../support/wait.js';
import { E2E_FUTURE_HORIZON, getJson, ticksInLog } from './support.js';

const SCRIPT: Outcome[] = [
  ...Array.from({ length: 70 }, (_, i): Outcome => (i % 7 === 3 ? 'repeat' : 'ok')),
  ...Array<Outcome>(10_000).fill('500'),
];
const FRESH = SCRIPT.slice(0, 70).filter((o) => o === 'ok').length;

/** What an uninterrupted run computes from the same log: the windows its watermarks closed, and alerts. */
function uninterrupted(ticks: readonly Tick[]): { candles: Candle[]; alerts: Alert[] } {
  const candles: Candle[] = [];
  const alerts: Alert[] = [];
  const operator = createOperator(loadConfig({ env: {} }), {
    candle: (c) => candles.push(c),
    alert: (a) => alerts.push(a),
    late: () => undefined,
  });
  for (const tick of ticks) operator.process(tick);
  return { candles, alerts };
}

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

test(
  'kill -9 mid-stream and a restart leave history identical to an uninterrupted run',
  { timeout: 120_000 },
  async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tickflow-crash-'));
    dirs.push(dir);
    const dataDir = join(dir, 'data');
    const fake = await startFakeCoinGecko({ script: SCRIPT, stepSeconds: 10 });
    const env = {
      TICKFLOW_DATA_DIR: dataDir,
      PORT: '0',
      COINGECKO_BASE_URL: fake.url,
      TICKFLOW_POLL_INTERVAL: '100ms',
      TICKFLOW_FUTURE_HORIZON: E2E_FUTURE_HORIZON,
      TICKFLOW_COMMIT_INTERVAL: '200ms',
      TICKFLOW_CHECKPOINT_INTERVAL: '1s',
    };
    try {
      const first = await startTickflow(['start'], env);
      await waitFor('the stream to be under way', () => fake.served.length >= 25, 30_000);
      await first.stop('SIGKILL');

      const second = await startTickflow(['start'], env);
      await waitFor(
        'every scripted snapshot to be served',
        () => fake.served.filter((s) => !s.repeated).length >= FRESH,
        60_000,
      );
      await waitFor('the processor to catch up', async () => {
        const health = await getJson(`${second.url}/health`);
        const detail = (health.body as { components: Record<string, { detail?: string }> }).components[
          'processor'
        ]?.detail;
        return detail?.startsWith('lag 0;');
      });
      assert.equal(await second.stop('SIGTERM'), 0, second.output.stderr);
    } finally {
      await fake.close();
    }

    const expected = uninterrupted(await ticksInLog(join(dataDir, 'log')));
    assert.ok(expected.candles.length >= 10, 'enough closed candles to compare');
    const store = createPgliteStore(join(dataDir, 'store'), silentLogger());
    await store.start();
    try {
      for (const symbol of ['BTC', 'ETH']) {
        for (const interval of ['1m', '5m', '15m']) {
          const want = expected.candles.filter((c) => c.symbol === symbol && c.interval === interval);
          const have = await store.candles({ symbol, interval, limit: 5_000 });
          assert.deepEqual(
            have.map((c) => ({ ...c, closed: true })),
            want,
            `${symbol} ${interval}`,
          );
        }
        const alerts = await store.alerts({ symbol, limit: 5_000 });
        assert.deepEqual(
          alerts.map((a) => a.id).sort(),
          expected.alerts
            .filter((a) => a.symbol === symbol)
            .map((a) => a.id)
            .sort(),
        );
      }
    } finally {
      await store.close();
    }
  },
);
