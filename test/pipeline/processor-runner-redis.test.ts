import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import { createRedisCache, type RedisCache } from '../../src/cache/redis-cache.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { Tick } from '../../src/domain/tick.js';
import { EmbeddedLog } from '../../src/log/embedded-log.js';
import { PRICES_TOPIC } from '../../src/log/log.js';
import { silentLogger } from '../../src/logger.js';
import { encodeTick } from '../../src/pipeline/price-message.js';
import { ProcessorRunner } from '../../src/pipeline/processor-runner.js';
import { ensureTopics } from '../../src/pipeline/topics.js';
import { createPgliteStore } from '../../src/store/pglite-store.js';
import type { Store } from '../../src/store/store.js';
import { engineCandles } from '../support/engine-candles.js';
import { type FreezableProxy, startFreezableProxy } from '../support/freezable-proxy.js';
import { sec, T0, tick } from '../support/operator-harness.js';
import { cannotStart, type PrivateServer, startRedis } from '../support/services.js';
import { waitFor } from '../support/wait.js';

const config = loadConfig({ env: {}, flags: { 'commit-interval': '20ms', 'checkpoint-interval': '50ms' } });
const ticksFrom = (from: number, count: number): Tick[] =>
  Array.from({ length: count }, (_, i) => from + i).flatMap((i) => [
    tick({ symbol: 'BTC', ts: T0 + sec(20 * i), price: 100 + i, volume: 1 }),
    tick({ symbol: 'ETH', ts: T0 + sec(20 * i), price: 10 + (i % 3), volume: 2 }),
  ]);
const first = ticksFrom(0, 40);
const second = ticksFrom(40, 40);

let dir: string;
let redis: PrivateServer;
let proxy: FreezableProxy;
let raw: Redis;
let log: EmbeddedLog;
let store: Store;
let cache: RedisCache;

const skip = cannotStart(['redis']);

before(async () => {
  if (skip !== false) return;
  dir = await mkdtemp(join(tmpdir(), 'tickflow-runner-redis-'));
  redis = await startRedis();
  proxy = await startFreezableProxy('127.0.0.1', redis.port);
  raw = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  cache = createRedisCache({
    url: `redis://127.0.0.1:${proxy.port}`,
    logger: silentLogger(),
    commandTimeoutMs: 300,
  });
  log = new EmbeddedLog(join(dir, 'log'), silentLogger());
  store = createPgliteStore(join(dir, 'store'), silentLogger());
  await Promise.all([log.start(), store.start(), cache.start()]);
  await ensureTopics(log);
});

after(async () => {
  if (skip !== false) return;
  await Promise.all([log.close(), store.close(), cache.close().catch(() => undefined)]);
  raw.disconnect();
  await proxy.close();
  await redis.close();
  await rm(dir, { recursive: true, force: true });
});

const latestPrice = async (symbol: string): Promise<number | undefined> =>
  (JSON.parse((await raw.get(`crypto:${symbol}:latest`)) ?? 'null') as { price: number } | null)?.price;

async function storedCandles(): Promise<number> {
  const lists = await Promise.all(
    ['BTC', 'ETH'].flatMap((symbol) =>
      ['1m', '5m', '15m'].map((interval) => store.candles({ symbol, interval, limit: 1000 })),
    ),
  );
  return lists.flat().length;
}

test(
  'a hung Redis never holds up history; when it answers again, and after it restarts empty, the latest prices are set again',
  { skip, timeout: 90_000 },
  async () => {
    const producer = log.producer();
    const send = (ticks: readonly Tick[]) =>
      producer.send(
        PRICES_TOPIC,
        ticks.map((t) => ({ key: t.symbol, value: encodeTick(t) })),
      );
    await send(first);
    const runner = new ProcessorRunner({
      log,
      store,
      cache,
      config,
      logger: silentLogger(),
      clock: Date.now,
    });
    await runner.start();
    try {
      await waitFor('the latest BTC price in Redis', async () => (await latestPrice('BTC')) === 139);

      proxy.freeze(); // Redis accepts connections and never answers
      const frozenAt = Date.now();
      await send(second);
      const expected = engineCandles(config, [...first, ...second]).length;
      await waitFor(
        'every closed candle in the store, with Redis hung',
        async () => (await storedCandles()) === expected,
      );
      const writtenIn = Date.now() - frozenAt;
      assert.ok(writtenIn < 5_000, `history was written ${writtenIn} ms after Redis hung`);
      assert.equal(await latestPrice('BTC'), 139, 'nothing reached Redis while it was hung');
      await waitFor(
        'the outage to be counted',
        () => (runner.problems.snapshot()['TF_CACHE_UNAVAILABLE'] ?? 0) > 0,
      );

      proxy.thaw();
      await waitFor(
        'the newest BTC price in Redis once it answers',
        async () => (await latestPrice('BTC')) === 179,
      );

      await redis.stop(); // no persistence: it comes back with no keys
      await redis.start();
      await waitFor(
        'Redis to be filled again from the newest state, with no new tick',
        async () => (await latestPrice('BTC')) === 179 && (await latestPrice('ETH')) === 10 + (79 % 3),
        15_000,
      );
      const ttl = await raw.pttl('crypto:BTC:latest');
      assert.ok(ttl > 0 && ttl <= 45_000, `PTTL ${ttl}`);
    } finally {
      const closing = Date.now();
      await runner.close();
      assert.ok(Date.now() - closing < 5_000, 'close is bounded');
    }
  },
);
