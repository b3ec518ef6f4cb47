import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { type Outcome, startFakeCoinGecko } from '../fixtures/fake-coingecko.js';
import { type KillPlan, killRepeatedly } from '../support/kill-cycles.js';
import {
  cannotStart,
  createTestDatabase,
  requireServices,
  startKafka,
  startRedis,
} from '../support/services.js';
import { startTickflow, type TickflowProcess } from '../support/tickflow-process.js';
import { waitFor } from '../support/wait.js';
import { e2eStreamEnv, assertAlertsAreReplay, assertHistoryIsReplay } from '../e2e/support.js';

/** 280 answers with repeats mixed in, then the source is down for good, so what was served is final. */
const SCRIPT: Outcome[] = [
  ...Array.from({ length: 280 }, (_, i): Outcome => (i % 7 === 3 ? 'repeat' : 'ok')),
  ...Array<Outcome>(10_000).fill('500'),
];
const FRESH = SCRIPT.slice(0, 280).filter((o) => o === 'ok').length;
/**
 * Five kills of `tickflow process`, each 0.3 to 4 s after its start-up line (which it prints once it owns
 * its partitions): while it restores checkpoints and replays, mid-batch, mid-commit.
 */
const KILLS: KillPlan = { seed: 7_041_969, kills: 5, minMs: 300, maxMs: 4_000 };

const fresh = (served: readonly { repeated: boolean }[]): number => served.filter((s) => !s.repeated).length;

test(
  'Kafka layout: the processor killed -9 at five seeded moments and restarted each time loses nothing',
  { timeout: 240_000, skip: cannotStart(['kafka', 'redis']) },
  async (t) => {
    const urls = requireServices(t, ['postgres']);
    if (!urls) return;
    // A broker of its own: the topic names are fixed, and this test must see only the ticks it served.
    const kafka = await startKafka();
    const redis = await startRedis();
    const db = await createTestDatabase(urls.postgres);
    const dir = await mkdtemp(join(tmpdir(), 'tickflow-kafka-crash-'));
    // A 3 % jump every 12 snapshots (2 minutes of event time) gives the anomaly rules something to find.
    const fake = await startFakeCoinGecko({
      script: SCRIPT,
      stepSeconds: 10,
      jumpEvery: 12,
      prices: { bitcoin: 43_000, ethereum: 2_300 },
    });
    const env = {
      KAFKA_BROKERS: kafka.url,
      DATABASE_URL: db.url,
      REDIS_URL: redis.url,
      TICKFLOW_DATA_DIR: join(dir, 'data'),
      ...e2eStreamEnv(fake.url),
      // A killed member's partitions come back to its successor after this.
      TICKFLOW_SESSION_TIMEOUT: '4s',
    };
    const running: TickflowProcess[] = [];
    const start = async (args: string[]): Promise<TickflowProcess> => {
      const p = await startTickflow(args, env, 60_000);
      running.push(p);
      return p;
    };
    try {
      const serve = await start(['serve']);
      const ingest = await start(['ingest']);
      const killed = await killRepeatedly(
        KILLS,
        () => start(['process']),
        (line) => {
          t.diagnostic(`${line}; ${fresh(fake.served)} of ${FRESH} snapshots served`);
        },
      );
      t.diagnostic(`peak RSS per incarnation (MiB): ${killed.map((k) => k.peakRssMiB).join(', ')}`);
      assert.ok(fresh(fake.served) < FRESH, 'every kill came while the stream was still running');

      const last = await start(['process']);
      await waitFor('every scripted snapshot', () => fresh(fake.served) >= FRESH, 120_000);
      await assertHistoryIsReplay(dir, fake.served, [serve.url]);
      const alerts = await assertAlertsAreReplay(dir, fake.served, [serve.url], 4);
      t.diagnostic(`${fresh(fake.served)} snapshots and ${alerts} alerts compared with the replay`);
      for (const p of [ingest, last, serve]) {
        assert.equal(await p.stop('SIGTERM'), 0, p.output.stderr.slice(-2_000));
      }
    } finally {
      await Promise.all(running.map((p) => p.stop('SIGKILL')));
      await fake.close();
      await Promise.all([db.drop(), kafka.close(), redis.close()]);
      await rm(dir, { recursive: true, force: true });
    }
  },
);
