import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Update } from '../../src/cache/cache.js';
import { cannotStart } from '../support/services.js';
import { waitFor } from '../support/wait.js';
import {
  everyCall,
  isUnavailable,
  latest,
  logged,
  quietCache,
  rawClient,
  redisCache,
  rejectsUnavailableWithin,
  tickUpdate,
  tickflowClients,
  useRedis,
} from './redis-harness.js';

describe('RedisCache on a real Redis', { skip: cannotStart(['redis']) }, () => {
  const redis = useRedis();

  describe('latest keys', () => {
    test('SET crypto:BTC:latest holds the JSON with its TTL; getLatest returns it', async () => {
      const cache = quietCache(redis.server.url);
      await cache.start();
      const raw = rawClient(redis.server.url);
      const value = latest('BTC', 43_000.5);
      await cache.setLatest(value, 45_000);
      assert.equal(await raw.get('crypto:BTC:latest'), JSON.stringify(value));
      const pttl = await raw.pttl('crypto:BTC:latest');
      assert.ok(pttl > 0 && pttl <= 45_000, `PTTL ${pttl}`);
      assert.deepEqual(await cache.getLatest('BTC'), value);
      assert.equal(await cache.getLatest('NOPE'), null);
      await cache.close();
    });

    test('setting again replaces the value and restarts the TTL', async () => {
      const cache = quietCache(redis.server.url);
      await cache.start();
      await cache.setLatest(latest('ETH', 1), 1_000);
      await cache.setLatest(latest('ETH', 2), 45_000);
      assert.equal((await cache.getLatest('ETH'))?.price, 2);
      assert.ok((await rawClient(redis.server.url).pttl('crypto:ETH:latest')) > 1_000);
      await cache.close();
    });

    test('a key is gone once its TTL has passed', async () => {
      const cache = quietCache(redis.server.url);
      await cache.start();
      await cache.setLatest(latest('SOL', 1), 30);
      await waitFor('the key to expire', async () => (await cache.getLatest('SOL')) === null, 2_000, 10);
      assert.equal(await rawClient(redis.server.url).exists('crypto:SOL:latest'), 0);
      await cache.close();
    });

    test('rejects a TTL that is not a positive integer, and writes nothing', async () => {
      const cache = quietCache(redis.server.url);
      await cache.start();
      for (const ttl of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
        await assert.rejects(cache.setLatest(latest('ADA', 1), ttl), { code: 'TF_CACHE_INVALID_TTL' });
      }
      assert.equal(await rawClient(redis.server.url).exists('crypto:ADA:latest'), 0);
      await cache.close();
    });

    test('uses the database the URL names', async () => {
      const cache = quietCache(`${redis.server.url}/3`);
      await cache.start();
      assert.equal(cache.server, `127.0.0.1:${redis.server.port}/3`);
      await cache.setLatest(latest('DOT', 1), 45_000);
      assert.equal(await rawClient(`${redis.server.url}/3`).exists('crypto:DOT:latest'), 1);
      assert.equal(await rawClient(redis.server.url).exists('crypto:DOT:latest'), 0);
      await cache.close();
    });

    test('a value that is not a LatestPrice of its symbol reads as null, counted and logged once', async () => {
      const { cache, lines } = redisCache(redis.server.url);
      await cache.start();
      const raw = rawClient(redis.server.url);
      const bad = [
        'not json',
        '[1,2]',
        'null',
        JSON.stringify(latest('ETH', 1)), // another symbol's value
        JSON.stringify({ ...latest('XRP', 1), price: 'high' }),
        JSON.stringify({ symbol: 'XRP', price: 1 }),
      ];
      for (const value of bad) {
        await raw.set('crypto:XRP:latest', value);
        assert.equal(await cache.getLatest('XRP'), null, value);
      }
      assert.equal(cache.invalidValues, bad.length);
      assert.equal(logged(lines, 'is not a LatestPrice').length, 1);
      await cache.setLatest(latest('XRP', 0.5), 45_000);
      assert.equal((await cache.getLatest('XRP'))?.price, 0.5);
      await cache.close();
    });
  });

  describe('pub/sub', () => {
    test('updates one instance publishes reach the subscribers of another, in order, each a copy', async () => {
      const api = quietCache(redis.server.url);
      const processor = quietCache(redis.server.url);
      await Promise.all([api.start(), processor.start()]);
      const a: Update[] = [];
      const b: Update[] = [];
      await api.subscribe((u) => {
        a.push(u);
        (u as { price: number }).price = -1;
      });
      await api.subscribe((u) => b.push(u));
      assert.equal(api.subscribers, 2);
      const sent = [tickUpdate('BTC', 1), tickUpdate('ETH', 2), tickUpdate('BTC', 3)];
      for (const u of sent) await processor.publish(u);
      await waitFor('three updates', () => b.length === 3, 5_000, 10);
      assert.deepEqual(b, sent, 'a mutating subscriber does not affect another');
      assert.equal(a.length, 3);
      await Promise.all([api.close(), processor.close()]);
    });

    test('unsubscribe stops delivery to that handler only', async () => {
      const cache = quietCache(redis.server.url);
      await cache.start();
      const a: Update[] = [];
      const b: Update[] = [];
      const offA = await cache.subscribe((u) => a.push(u));
      await cache.subscribe((u) => b.push(u));
      await cache.publish(tickUpdate('BTC', 1));
      await waitFor('the first update', () => a.length === 1 && b.length === 1, 5_000, 10);
      await offA();
      await offA();
      assert.equal(cache.subscribers, 1);
      await cache.publish(tickUpdate('BTC', 2));
      await waitFor('the second update', () => b.length === 2, 5_000, 10);
      assert.equal(a.length, 1);
      await cache.close();
    });

    test('a subscriber that throws harms no other subscriber, and is logged once', async () => {
      const { cache, lines } = redisCache(redis.server.url);
      await cache.start();
      const got: Update[] = [];
      await cache.subscribe(() => {
        throw new Error('boom');
      });
      await cache.subscribe((u) => got.push(u));
      await cache.publish(tickUpdate('BTC', 1));
      await cache.publish(tickUpdate('BTC', 2));
      await waitFor('both updates', () => got.length === 2, 5_000, 10);
      assert.equal(logged(lines, 'subscriber threw').length, 1);
      await cache.close();
    });

    test('a message that is not an update is dropped, counted and logged once; good ones still arrive', async () => {
      const { cache, lines } = redisCache(redis.server.url);
      await cache.start();
      const got: Update[] = [];
      await cache.subscribe((u) => got.push(u));
      const raw = rawClient(redis.server.url);
      for (const message of ['not json', '[]', '{"type":"gossip","symbol":"BTC"}', '{"type":"tick"}']) {
        await raw.publish('crypto:updates', message);
      }
      await raw.publish('crypto:updates', JSON.stringify(tickUpdate('BTC', 7)));
      await waitFor('the good update', () => got.length === 1, 5_000, 10);
      assert.deepEqual(got, [tickUpdate('BTC', 7)]);
      assert.equal(cache.invalidMessages, 4);
      assert.equal(logged(lines, 'is not an update').length, 1);
      await cache.close();
    });
  });

  describe('start and close', () => {
    test('before start every method rejects TF_CACHE_UNAVAILABLE, and nothing connects', async () => {
      const cache = quietCache(redis.server.url);
      await Promise.all(everyCall(cache).map(([what, call]) => rejectsUnavailableWithin(what, call, 100)));
      assert.deepEqual(await tickflowClients(redis.server.url), []);
      await cache.close();
    });

    test('start connects both connections once, however often it is called, and is not a restore', async () => {
      const { cache, lines } = redisCache(redis.server.url);
      let restored = 0;
      cache.onRestored(() => restored++);
      await Promise.all([cache.start(), cache.start()]);
      await cache.start();
      await cache.health();
      assert.deepEqual(await tickflowClients(redis.server.url), ['tickflow:commands', 'tickflow:updates']);
      assert.equal(restored, 0);
      assert.equal(logged(lines, 'connected to redis').length, 1);
      assert.equal(logged(lines, 'unreachable').length, 0);
      await cache.close();
    });

    test('close disconnects; then every method rejects TF_CACHE_UNAVAILABLE; closing twice is harmless', async () => {
      const { cache, lines } = redisCache(redis.server.url);
      await cache.start();
      const got: Update[] = [];
      const off = await cache.subscribe((u) => got.push(u));
      let restored = 0;
      cache.onRestored(() => restored++);
      await Promise.all([cache.close(), cache.close()]);
      await cache.close();
      assert.deepEqual(await tickflowClients(redis.server.url), []);
      await Promise.all(everyCall(cache).map(([what, call]) => rejectsUnavailableWithin(what, call, 100)));
      await assert.rejects(cache.getLatest('BTC'), /the redis cache is closed/);
      await assert.rejects(cache.start(), isUnavailable);
      await off();
      cache.onRestored(() => restored++)();
      await rawClient(redis.server.url).publish('crypto:updates', JSON.stringify(tickUpdate('BTC', 1)));
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(got.length, 0);
      assert.equal(restored, 0);
      assert.equal(logged(lines, 'unreachable').length, 0, 'closing is not an outage');
    });

    test('close while starting: start rejects TF_CACHE_UNAVAILABLE and nothing stays connected', async () => {
      const cache = quietCache(redis.server.url);
      const starting = cache.start();
      await cache.close();
      await assert.rejects(starting, isUnavailable);
      assert.deepEqual(await tickflowClients(redis.server.url), []);
    });

    test('a bad URL or timeout throws TF_CONFIG_INVALID when the cache is created', () => {
      assert.throws(() => quietCache('http://127.0.0.1:6379'), { code: 'TF_CONFIG_INVALID' });
      assert.throws(() => quietCache(redis.server.url, { commandTimeoutMs: 0 }), /command timeout/);
      assert.throws(() => quietCache(redis.server.url, { connectTimeoutMs: 1.5 }), /connect timeout/);
    });
  });
});
