import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, type TestContext, test } from 'node:test';
import { MemoryCache } from '../../src/cache/memory-cache.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { Candle } from '../../src/domain/candle.js';
import type { Tick } from '../../src/domain/tick.js';
import { EmbeddedLog } from '../../src/log/embedded-log.js';
import { createKafkaLog } from '../../src/log/kafka/kafka-log.js';
import { type Log, PRICES_TOPIC } from '../../src/log/log.js';
import { silentLogger } from '../../src/logger.js';
import { encodeTick } from '../../src/pipeline/price-message.js';
import { ProcessorRunner } from '../../src/pipeline/processor-runner.js';
import { ensureTopics } from '../../src/pipeline/topics.js';
import { createPgliteStore } from '../../src/store/pglite-store.js';
import { createPostgresStore } from '../../src/store/postgres-store.js';
import type { CommitBatch, Store } from '../../src/store/store.js';
import { oracle } from '../processor/oracle.js';
import { sec, T0, tick } from '../support/operator-harness.js';
import { ERROR, recordingLogger } from '../support/recording-logger.js';
import { createTestDatabase, requireServices, startKafka } from '../support/services.js';
import { waitFor } from '../support/wait.js';

const config = loadConfig({ env: {}, flags: { 'commit-interval': '20ms', 'checkpoint-interval': '50ms' } });
/** SOL is on partition 0, BTC and ETH on 1, DOT on 2. */
const SYMBOLS = ['SOL', 'BTC', 'ETH', 'DOT'];
const INTERVALS = ['1m', '5m', '15m'];
const ticksOf = (from: number, count: number): Tick[] =>
  Array.from({ length: count }, (_, i) => from + i).flatMap((i) =>
    SYMBOLS.map((symbol, s) =>
      tick({ symbol, ts: T0 + sec(15 * i), price: 100 + s * 10 + (i % 7), volume: 1 }),
    ),
  );

/** The candles the independent oracle closes: windows the symbol's clock has passed, with no end flush. */
function closedByOracle(ticks: readonly Tick[]): Candle[] {
  const bound = config.settings.outOfOrderness;
  const maxTs = new Map<string, number>();
  for (const t of ticks) maxTs.set(t.symbol, Math.max(maxTs.get(t.symbol) ?? -Infinity, t.ts));
  const { candles } = oracle(ticks, { intervals: config.settings.intervals, boundMs: bound });
  return candles.filter((c) => c.windowEnd - 1 <= (maxTs.get(c.symbol) ?? 0) - bound - 1);
}

const key = (c: Candle): string => `${c.symbol} ${c.interval} ${c.windowStart}`;
const sorted = (candles: readonly Candle[]): Candle[] =>
  [...candles].map((c) => ({ ...c, closed: true })).sort((a, b) => key(a).localeCompare(key(b)));

async function history(store: Store): Promise<Candle[]> {
  const all = await Promise.all(
    SYMBOLS.flatMap((symbol) =>
      INTERVALS.map((interval) => store.candles({ symbol, interval, limit: 1000 })),
    ),
  );
  return sorted(all.flat());
}

/** A property of the store, with methods bound to it (its private fields need the real receiver). */
function bound(target: Store, name: string | symbol): unknown {
  const value: unknown = Reflect.get(target, name);
  return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
}

/** A store whose commits can be held back, as a long GC pause or a frozen VM would hold them. */
class StallingStore {
  private gate: Promise<void> | null = null;
  private open: (() => void) | null = null;
  fenced = 0;

  constructor(private readonly inner: Store) {}

  stall(): void {
    this.gate = new Promise((resolve) => (this.open = resolve));
  }

  resume(): void {
    this.open?.();
    this.gate = null;
  }

  asStore(): Store {
    return new Proxy(this.inner, {
      get: (target, name) =>
        name === 'commit'
          ? async (batch: CommitBatch) => {
              await this.gate;
              await target.commit(batch).catch((err: unknown) => {
                if ((err as { code?: string }).code === 'TF_STORE_FENCED') this.fenced++;
                throw err;
              });
            }
          : bound(target, name),
    });
  }
}

/** Where the processors of a test run: the embedded log and PGlite, or Kafka and PostgreSQL. */
interface Backend {
  readonly name: string;
  /** A log and store of the test's own; undefined when the backend's servers are missing. */
  open(
    t: TestContext,
    name: string,
    sessionTimeoutMs: number,
  ): Promise<{ log: Log; store: Store; close: () => Promise<void> } | undefined>;
}

const embedded = (dir: () => string): Backend => ({
  name: 'the embedded log and PGlite',
  open: (_t, name, sessionTimeoutMs) => {
    const log = new EmbeddedLog(join(dir(), name, 'log'), silentLogger(), { sessionTimeoutMs });
    const store = createPgliteStore(join(dir(), name, 'store'), silentLogger());
    return Promise.resolve({ log, store, close: () => Promise.resolve() });
  },
});

const kafkaAndPostgres: Backend = {
  name: 'Kafka and PostgreSQL',
  open: async (t, name, sessionTimeoutMs) => {
    const urls = requireServices(t, ['kafka', 'postgres']);
    if (!urls) return undefined;
    // A broker of its own: the topic names are fixed, and each test must see only its own ticks.
    const kafka = await startKafka();
    const db = await createTestDatabase(urls.postgres);
    const log = createKafkaLog({
      brokers: kafka.url.split(','),
      clientId: `handover-${name}`,
      logger: silentLogger(),
      sessionTimeoutMs,
      heartbeatIntervalMs: 500,
      // Kafka's client heartbeats on its own timer, so a stalled member misses its poll interval rather
      // than its session: it leaves the group as Kafka's Java consumer does.
      maxPollIntervalMs: 5_000,
    });
    const store = createPostgresStore({ url: db.url, logger: silentLogger() });
    return {
      log,
      store,
      close: async () => {
        await db.drop();
        await kafka.close();
      },
    };
  },
};

let dir: string;
before(async () => (dir = await mkdtemp(join(tmpdir(), 'tickflow-handover-'))));
after(() => rm(dir, { recursive: true, force: true }));

for (const backend of [embedded(() => dir), kafkaAndPostgres]) {
  describe(`partitions move between processors with their state, on ${backend.name}`, () => {
    async function rig(t: TestContext, name: string, sessionTimeoutMs = 45_000) {
      const opened = await backend.open(t, name, sessionTimeoutMs);
      if (opened === undefined) return undefined;
      const { log, store } = opened;
      await Promise.all([log.start(), store.start()]);
      await ensureTopics(log);
      const send = (ticks: readonly Tick[]) =>
        log.producer().send(
          PRICES_TOPIC,
          ticks.map((t) => ({ key: t.symbol, value: encodeTick(t) })),
        );
      const runner = (s: Store = store, logger = silentLogger()) =>
        new ProcessorRunner({ log, store: s, cache: new MemoryCache(), config, logger, clock: Date.now });
      return {
        log,
        store,
        send,
        runner,
        close: async () => {
          await Promise.all([log.close(), store.close()]);
          await opened.close();
        },
      };
    }

    test(
      'a second processor takes a share, the first takes it back when it leaves: history is exact',
      { timeout: 120_000 },
      async (t) => {
        const r = await rig(t, 'rebalance');
        if (!r) return;
        const all = [...ticksOf(0, 60), ...ticksOf(60, 60), ...ticksOf(120, 60)];
        await r.send(all.slice(0, 240));
        const a = r.runner();
        await a.start();
        assert.deepEqual(a.owned(), [0, 1, 2]);
        await waitFor('A to catch up', async () => (await a.lag()) === 0);

        const b = r.runner();
        await b.start();
        await waitFor('the group to split the partitions', () =>
          Promise.resolve(a.owned().length === 2 && b.owned().length === 1),
        );
        assert.deepEqual([...a.owned(), ...b.owned()].sort(), [0, 1, 2]);
        await r.send(all.slice(240, 480));
        await waitFor('both to catch up', async () => (await a.lag()) + (await b.lag()) === 0);

        await b.close(); // B's partition goes back to A, with the state B checkpointed when it let go
        await waitFor('A to own everything again', () => Promise.resolve(a.owned().length === 3));
        await r.send(all.slice(480));
        await waitFor('A to catch up again', async () => (await a.lag()) === 0);
        await a.close();
        const stored = await history(r.store);
        assert.deepEqual(stored, sorted(closedByOracle(all)));
        assert.ok(
          stored.filter((c) => c.interval === '15m').length >= SYMBOLS.length * 2,
          'every interval closes',
        );
        await r.close();
      },
    );

    test(
      'a zombie that wakes after its partitions moved is fenced: its commit is refused and it lets them go',
      { timeout: 120_000 },
      async (t) => {
        const r = await rig(t, 'zombie', 3_000);
        if (!r) return;
        const all = [...ticksOf(0, 80), ...ticksOf(80, 80)];
        const stalling = new StallingStore(r.store);
        const recorded = recordingLogger();
        const zombie = r.runner(stalling.asStore(), recorded.logger);
        await zombie.start();
        await r.send(all.slice(0, 320));
        await waitFor('the first owner to catch up', async () => (await zombie.lag()) === 0);
        await new Promise((resolve) => setTimeout(resolve, 200)); // its commits of those ticks are done

        stalling.stall(); // the next commit hangs, so the zombie stops polling and misses its session
        await r.send(all.slice(320, 400));
        const successor = r.runner();
        await successor.start();
        await waitFor(
          'the successor to take every partition',
          () => Promise.resolve(successor.owned().length === 3),
          15_000,
        );
        await r.send(all.slice(400));
        await waitFor('the successor to catch up', async () => (await successor.lag()) === 0);
        // Its commits trail its polls by a commit interval: wait until it has written everything.
        const expected = JSON.stringify(sorted(closedByOracle(all)));
        await waitFor(
          'the successor to write the whole history',
          async () => JSON.stringify(await history(r.store)) === expected,
        );
        const before = await history(r.store);

        stalling.resume(); // the zombie wakes and tries to commit what it held
        await waitFor('the zombie to be fenced', () => Promise.resolve(stalling.fenced > 0));
        await waitFor('the zombie to let its partitions go', () =>
          Promise.resolve(recorded.lines.some((l) => l.level === ERROR && l.msg.includes('fenced'))),
        );
        assert.deepEqual(await history(r.store), before, 'the zombie wrote nothing');
        await successor.close();
        await zombie.close();
        assert.deepEqual(await history(r.store), sorted(closedByOracle(all)));
        await r.close();
      },
    );
  });
}
