import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { type Outcome, startFakeCoinGecko } from '../fixtures/fake-coingecko.js';
import { connect } from '../api/ws-client.js';
import { cannotStart, createTestDatabase, requireServices, startKafka } from '../support/services.js';
import { startTickflow } from '../support/tickflow-process.js';
import { waitFor } from '../support/wait.js';
import { e2eStreamEnv, assertHistoryIsReplay, getJson } from '../e2e/support.js';

/** 120 answers with repeats mixed in, then the source is down for good, so what was served is final. */
const SCRIPT: Outcome[] = [
  ...Array.from({ length: 120 }, (_, i): Outcome => (i % 7 === 3 ? 'repeat' : 'ok')),
  ...Array<Outcome>(10_000).fill('500'),
];
const FRESH = SCRIPT.slice(0, 120).filter((o) => o === 'ok').length;
const OUTAGE_MS = 10_000;

const fresh = (served: readonly { repeated: boolean }[]): number => served.filter((s) => !s.repeated).length;

interface Health {
  status: string;
  components: Record<string, { status: string; detail?: string }>;
}

test(
  'the Kafka broker restarted mid-stream: producer and consumer recover by themselves, history equals replay',
  { timeout: 180_000, skip: cannotStart(['kafka']) },
  async (t) => {
    const urls = requireServices(t, ['postgres']);
    if (!urls) return;
    const kafka = await startKafka();
    const db = await createTestDatabase(urls.postgres);
    const dir = await mkdtemp(join(tmpdir(), 'tickflow-broker-restart-'));
    const fake = await startFakeCoinGecko({
      script: SCRIPT,
      stepSeconds: 10,
      prices: { bitcoin: 43_000, ethereum: 2_300 },
    });
    const tickflow = await startTickflow(
      ['start'],
      {
        KAFKA_BROKERS: kafka.url,
        DATABASE_URL: db.url,
        TICKFLOW_DATA_DIR: join(dir, 'data'),
        ...e2eStreamEnv(fake.url),
        TICKFLOW_SESSION_TIMEOUT: '6s',
        LOG_LEVEL: 'info',
      },
      60_000,
    );
    const client = await connect(`${tickflow.url.replace('http', 'ws')}/ws/prices/BTC`);
    const ticksSeen = (): number[] =>
      client.messages.filter((m) => m.type === 'tick').map((m) => (m as { ts: number }).ts);
    try {
      await waitFor('a fifth of the snapshots', () => fresh(fake.served) >= FRESH / 5, 60_000);
      await waitFor('a tick on the WebSocket', () => ticksSeen().length > 0);

      const stoppingAt = Date.now();
      await kafka.stop();
      const stoppedAt = Date.now();
      const down = await waitFor(
        '/health to say the log is down',
        async () => {
          const r = await getJson(`${tickflow.url}/health`);
          const body = r.body as Health;
          return r.status === 503 && body.components['log']?.status === 'down' ? body : undefined;
        },
        OUTAGE_MS,
      );
      t.diagnostic(`while the broker was down: ${JSON.stringify(down.components['log'])}`);
      await new Promise((r) => setTimeout(r, Math.max(0, OUTAGE_MS - (Date.now() - stoppedAt))));
      const servedBefore = fresh(fake.served);
      const newestBefore = Math.max(...ticksSeen());
      await kafka.start();
      const restartedAt = Date.now();
      t.diagnostic(
        `the broker was unreachable for ${restartedAt - stoppingAt} ms (stop, ${OUTAGE_MS} ms, start)`,
      );

      await waitFor(
        '/health to be ok again',
        async () => {
          const r = await getJson(`${tickflow.url}/health`);
          return r.status === 200 && (r.body as Health).status === 'ok';
        },
        60_000,
      );
      t.diagnostic(`/health ok ${Date.now() - restartedAt} ms after the broker came back`);
      await waitFor(
        'a tick newer than the outage on the WebSocket',
        () => Math.max(...ticksSeen()) > newestBefore,
        60_000,
      );
      await waitFor('every scripted snapshot', () => fresh(fake.served) >= FRESH, 120_000);
      assert.ok(
        fresh(fake.served) > servedBefore + 20,
        'the stream went on well past the outage (more than 20 snapshots after it)',
      );
      await assertHistoryIsReplay(dir, fake.served, [tickflow.url]);
      client.ws.close();
      assert.equal(await tickflow.stop('SIGTERM'), 0, tickflow.output.stderr.slice(-3_000));
    } finally {
      client.ws.close();
      await tickflow.stop('SIGKILL');
      await fake.close();
      await Promise.all([db.drop(), kafka.close()]);
      await rm(dir, { recursive: true, force: true });
    }
  },
);
