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
import { type KillPlan, killRepeatedly } from '../support/kill-cycles.js';
import { startTickflow } from '../support/tickflow-process.js';
import { waitFor } from '../support/wait.js';
import { e2eStreamEnv, getJson, ticksInLog } from '../e2e/support.js';

/** 130 answers with repeats mixed in, then the source is down for good, so the log stops growing. */
const SCRIPT: Outcome[] = [
  ...Array.from({ length: 130 }, (_, i): Outcome => (i % 7 === 3 ? 'repeat' : 'ok')),
  ...Array<Outcome>(10_000).fill('500'),
];
const FRESH = SCRIPT.slice(0, 130).filter((o) => o === 'ok').length;
/** Five kills of `tickflow start`, each 0.3 to 4 s after its start-up line: replaying, mid-batch, mid-commit. */
const KILLS: KillPlan = { seed: 20_240_901, kills: 5, minMs: 300, maxMs: 4_000 };

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
  'kill -9 at five seeded moments, each followed by a restart, leaves history identical to an uninterrupted run',
  { timeout: 180_000 },
  async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'tickflow-crash-'));
    dirs.push(dir);
    const dataDir = join(dir, 'data');
    // A 3 % jump every 12 snapshots (2 minutes of event time) gives the anomaly rules something to find.
    const fake = await startFakeCoinGecko({ script: SCRIPT, stepSeconds: 10, jumpEvery: 12 });
    const env = {
      TICKFLOW_DATA_DIR: dataDir,
      ...e2eStreamEnv(fake.url, '100ms'),
    };
    try {
      const killed = await killRepeatedly(
        KILLS,
        () => startTickflow(['start'], env),
        (line) => {
          t.diagnostic(
            `${line}; ${fake.served.filter((s) => !s.repeated).length} of ${FRESH} snapshots served`,
          );
        },
      );
      t.diagnostic(`peak RSS per incarnation (MiB): ${killed.map((k) => k.peakRssMiB).join(', ')}`);

      const last = await startTickflow(['start'], env);
      await waitFor(
        'every scripted snapshot to be served',
        () => fake.served.filter((s) => !s.repeated).length >= FRESH,
        90_000,
      );
      await waitFor('the processor to catch up', async () => {
        const health = await getJson(`${last.url}/health`);
        const detail = (health.body as { components: Record<string, { detail?: string }> }).components[
          'processor'
        ]?.detail;
        return detail?.startsWith('lag 0;');
      });
      assert.equal(await last.stop('SIGTERM'), 0, last.output.stderr);
    } finally {
      await fake.close();
    }

    const expected = uninterrupted(await ticksInLog(join(dataDir, 'log')));
    assert.ok(expected.candles.length >= 10, 'enough closed candles to compare');
    assert.ok(expected.alerts.length >= 4, `enough alerts to compare (${expected.alerts.length})`);
    t.diagnostic(`${expected.candles.length} candles and ${expected.alerts.length} alerts compared`);
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
        const byId = (a: Alert, b: Alert): number => a.id.localeCompare(b.id);
        assert.deepEqual(
          (await store.alerts({ symbol, limit: 5_000 })).sort(byId),
          expected.alerts.filter((a) => a.symbol === symbol).sort(byId),
          `${symbol} alerts`,
        );
      }
    } finally {
      await store.close();
    }
  },
);
