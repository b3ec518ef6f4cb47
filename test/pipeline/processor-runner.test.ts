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
import { encodeTick } from '../../src/pipeline/price-message.js';
import { ProcessorRunner } from '../../src/pipeline/processor-runner.js';
import { DEAD_LETTER_TOPIC, ensureTopics, LATE_TOPIC } from '../../src/pipeline/topics.js';
import { createPgliteStore } from '../../src/store/pglite-store.js';
import type { Store } from '../../src/store/store.js';
import { engineCandles } from '../support/engine-candles.js';
import { sec, T0, tick } from '../support/operator-harness.js';
import { readTopic } from '../support/read-topic.js';
import { waitFor } from '../support/wait.js';

const config = loadConfig({ env: {}, flags: { 'commit-interval': '20ms', 'checkpoint-interval': '50ms' } });
const ticks = [
  ...Array.from({ length: 60 }, (_, i) =>
    tick({ symbol: 'BTC', ts: T0 + sec(20 * i), price: 100 + i, volume: 1 }),
  ),
  ...Array.from({ length: 60 }, (_, i) =>
    tick({ symbol: 'ETH', ts: T0 + sec(20 * i), price: 10 + (i % 3), seq: String(i) }),
  ),
];

let dir: string;
let log: EmbeddedLog;
let store: Store;
let cache: MemoryCache;
let runner: ProcessorRunner | undefined;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tickflow-runner-'));
  log = new EmbeddedLog(join(dir, 'log'), silentLogger());
  store = createPgliteStore(join(dir, 'store'), silentLogger());
  cache = new MemoryCache();
  await Promise.all([log.start(), store.start(), cache.start()]);
  await ensureTopics(log);
});

after(async () => {
  await runner?.close();
  await Promise.all([log.close(), store.close(), cache.close().catch(() => undefined)]);
  await rm(dir, { recursive: true, force: true });
});

test(
  'history is written exactly, poison records go to the dead-letter topic, and a cache outage stops nothing',
  { timeout: 60_000 },
  async () => {
    const producer = log.producer();
    const half = ticks.length / 2;
    await producer.send(
      PRICES_TOPIC,
      ticks.slice(0, half).map((t) => ({ key: t.symbol, value: encodeTick(t) })),
    );
    await producer.send(PRICES_TOPIC, [
      { key: 'BTC', value: '{"symbol":"BTC","price":' },
      { key: 'ETH', value: JSON.stringify({ symbol: 'ETH', price: 0, ts: T0 }) },
      { key: 'BTC', value: encodeTick(tick({ symbol: 'BTC', ts: T0, price: 1 })) }, // late by now
    ]);
    const live = new ProcessorRunner({ log, store, cache, config, logger: silentLogger(), clock: Date.now });
    runner = live;
    await live.start();
    await waitFor('the first half to be processed', async () => (await live.lag()) === 0);
    await waitFor(
      'the newest BTC tick by event time, not the late one, as the latest price',
      async () => (await cache.getLatest('BTC'))?.price === 159,
    );

    await cache.close(); // the cache goes away; history must still be written
    await producer.send(
      PRICES_TOPIC,
      ticks.slice(half).map((t) => ({ key: t.symbol, value: encodeTick(t) })),
    );
    const expected = engineCandles(config, ticks);
    await waitFor('every closed candle in the store', async () => {
      const stored = await Promise.all(
        ['BTC', 'ETH'].flatMap((symbol) =>
          ['1m', '5m', '15m'].map((interval) => store.candles({ symbol, interval, limit: 1000 })),
        ),
      );
      return stored.flat().length === expected.length;
    });
    assert.deepEqual(await live.describe(), {
      status: 'up',
      detail:
        'lag 0; 2 dead-lettered (crypto-prices-dlq); 1 late (crypto-prices-late); 0 duplicates; partitions [0,1,2]',
    });
    await live.close();
    runner = undefined;

    for (const symbol of ['BTC', 'ETH']) {
      for (const interval of ['1m', '5m', '15m']) {
        const have = await store.candles({ symbol, interval, limit: 1000 });
        const want = expected.filter((c) => c.symbol === symbol && c.interval === interval);
        assert.deepEqual(
          have.map((c) => ({ ...c, closed: true })),
          want,
          `${symbol} ${interval}`,
        );
      }
    }
    assert.ok(
      expected.some((c) => c.interval === '15m'),
      'the ticks close windows of every interval',
    );
    const dead = (await readTopic(log, DEAD_LETTER_TOPIC)).map(
      (v) => JSON.parse(v) as { code: string; offset: number },
    );
    assert.deepEqual(dead.map((d) => d.code).sort(), ['TF_POISON_JSON', 'TF_POISON_TICK']);
    assert.equal(live.counters.poison, 2);
    assert.equal((await readTopic(log, LATE_TOPIC)).length, 3, 'the late tick, once per interval');
    assert.ok((live.problems.snapshot()['TF_CACHE_UNAVAILABLE'] ?? 0) > 0, 'the cache outage was counted');
  },
);
