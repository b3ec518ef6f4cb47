import assert from 'node:assert/strict';
import { type Socket, createServer } from 'node:net';
import { type TestContext, describe, test } from 'node:test';
import type { Update } from '../../src/cache/cache.js';
import type { RedisCache } from '../../src/cache/redis-cache.js';
import { startFreezableProxy } from '../support/freezable-proxy.js';
import { cannotStart } from '../support/services.js';
import { waitFor } from '../support/wait.js';
import {
  everyCall,
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

/** Publishes from `publisher` until `got` holds an update with `price`: pub/sub keeps nothing for later. */
async function deliveredAgain(publisher: RedisCache, got: readonly Update[], price: number): Promise<void> {
  await waitFor(
    `an update published after the restart (price ${price}) to arrive`,
    async () => {
      await publisher.publish(tickUpdate('BTC', price)).catch(() => undefined);
      return got.some((u) => (u as { price?: number }).price === price);
    },
    10_000,
    50,
  );
}

const settlesWithin = async (what: string, promise: Promise<unknown>, ms: number): Promise<void> => {
  const started = Date.now();
  await promise.catch(() => undefined);
  const took = Date.now() - started;
  assert.ok(took < ms, `${what} took ${took} ms, more than ${ms} ms`);
};

/** What is written with console.error during the test (ioredis reports unhandled errors there). */
function recordConsoleErrors(t: TestContext): string[] {
  const seen: string[] = [];
  t.mock.method(console, 'error', (...args: unknown[]) => {
    seen.push(args.map(String).join(' '));
  });
  return seen;
}

/** A TCP server that accepts every connection and sends `greeting`, then nothing ever again. */
async function startSilentServer(greeting = ''): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.write(greeting);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `redis://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => {
          resolve();
        });
      }),
  };
}

describe('RedisCache through Redis outages', { skip: cannotStart(['redis']) }, () => {
  const redis = useRedis();

  test('while Redis is down every call fails fast; once it is back the cache works, restored and resubscribed', async (t) => {
    const consoleErrors = recordConsoleErrors(t);
    const { cache: api, lines } = redisCache(redis.server.url);
    const { cache: processor } = redisCache(redis.server.url);
    await Promise.all([api.start(), processor.start()]);
    const got: Update[] = [];
    await api.subscribe((u) => got.push(u));
    let restored = 0;
    api.onRestored(() => restored++);
    await processor.publish(tickUpdate('BTC', 1));
    await waitFor('the first update', () => got.length === 1, 5_000, 10);

    for (const round of [1, 2]) {
      await redis.server.stop();
      // Calls during the outage, also after a few reconnection attempts, fail at once (a millisecond or
      // so), never waiting for the next attempt as queued ones would.
      for (const pause of [0, 300, 700, 1_000]) {
        await new Promise((r) => setTimeout(r, pause));
        const took = await Promise.all(
          everyCall(api).map(([what, call]) => rejectsUnavailableWithin(what, call, 2_000)),
        );
        assert.ok(Math.max(...took) < 250, `calls during the outage took ${took.join(', ')} ms`);
      }
      assert.equal(logged(lines, 'redis unreachable').length, round, 'the outage is logged once');
      assert.equal(restored, round - 1, 'not restored while down');

      await redis.server.start();
      for (const cache of [api, processor]) {
        await waitFor('the caches to answer again', () => cache.health().then(() => true), 10_000, 50);
      }
      await waitFor('onRestored', () => restored === round, 5_000, 10);
      await api.setLatest(latest('BTC', 2), 45_000);
      assert.equal((await processor.getLatest('BTC'))?.price, 2);
      await deliveredAgain(processor, got, 100 + round);
      assert.equal(logged(lines, 'redis reachable again').length, round, 'the return is logged once');
    }
    assert.equal(restored, 2);
    await Promise.all([api.close(), processor.close()]);
    assert.deepEqual(consoleErrors, [], 'every client error is handled, none reported by ioredis itself');
  });

  test('start goes on without Redis; the cache joins when Redis comes up and counts that as a restore', async () => {
    await redis.server.stop();
    const { cache, lines } = redisCache(redis.server.url, { connectTimeoutMs: 1_000 });
    let restored = 0;
    cache.onRestored(() => restored++);
    try {
      await settlesWithin('start without Redis', cache.start(), 1_500);
      assert.equal(logged(lines, 'redis unreachable').length, 1);
      await rejectsUnavailableWithin('setLatest', cache.setLatest(latest('BTC', 1), 45_000), 500);
      await rejectsUnavailableWithin(
        'subscribe',
        cache.subscribe(() => undefined),
        500,
      );
    } finally {
      await redis.server.start();
    }
    await waitFor('the cache to answer', () => cache.health().then(() => true), 10_000, 50);
    await waitFor('onRestored', () => restored === 1, 5_000, 10);
    const got: Update[] = [];
    await cache.subscribe((u) => got.push(u));
    await deliveredAgain(cache, got, 5);
    await cache.close();
  });

  test('a server that accepts and never answers: start and every call settle within the timeouts', async () => {
    const silent = await startSilentServer();
    const { cache, lines } = redisCache(silent.url, { commandTimeoutMs: 300, connectTimeoutMs: 500 });
    try {
      await settlesWithin('start', cache.start(), 900);
      for (const pause of [0, 800]) {
        await new Promise((r) => setTimeout(r, pause));
        await Promise.all(everyCall(cache).map(([what, call]) => rejectsUnavailableWithin(what, call, 700)));
      }
      assert.equal(logged(lines, 'redis unreachable').length, 1);
      await settlesWithin('close', cache.close(), 700);
    } finally {
      await silent.close();
    }
  });

  test('a SUBSCRIBE refused on a new connection is retried, not an unhandled rejection', async (t) => {
    const consoleErrors = recordConsoleErrors(t);
    const { cache, lines } = redisCache(redis.server.url);
    const publisher = quietCache(redis.server.url);
    const admin = rawClient(redis.server.url);
    await Promise.all([cache.start(), publisher.start()]);
    const got: Update[] = [];
    await cache.subscribe((u) => got.push(u));
    try {
      await admin.call('ACL', 'SETUSER', 'default', '-subscribe');
      await admin.client('KILL', 'TYPE', 'pubsub');
      await waitFor('the refusal to be logged', () => logged(lines, 'cannot subscribe').length === 1);
    } finally {
      await admin.call('ACL', 'SETUSER', 'default', '+subscribe');
    }
    await deliveredAgain(publisher, got, 21);
    assert.equal(logged(lines, 'cannot subscribe').length, 1);
    assert.deepEqual(consoleErrors, []);
  });

  test('start is bounded by the connect timeout even when a command may take longer', async () => {
    const silent = await startSilentServer();
    const { cache, lines } = redisCache(silent.url, { commandTimeoutMs: 5_000, connectTimeoutMs: 300 });
    try {
      await settlesWithin('start', cache.start(), 600);
      assert.equal(logged(lines, 'redis unreachable').length, 1);
      assert.match(
        String((logged(lines, 'redis unreachable')[0]?.err as { message?: string } | undefined)?.message),
        /not ready within 300 ms/,
      );
      await settlesWithin('close', cache.close(), 600);
    } finally {
      await silent.close();
    }
  });

  test('a server that sends replies nobody asked for is an error handled, not a crash', async (t) => {
    const consoleErrors = recordConsoleErrors(t);
    const chatty = await startSilentServer('+OK\r\n'.repeat(20));
    const { cache } = redisCache(chatty.url, { commandTimeoutMs: 300, connectTimeoutMs: 500 });
    try {
      await cache.start();
      await new Promise((r) => setTimeout(r, 300));
      await cache.close();
    } finally {
      await chatty.close();
    }
    assert.deepEqual(consoleErrors, []);
  });

  test('a hung updates connection fails health, and the subscription comes back after it', async () => {
    const proxy = await startFreezableProxy('127.0.0.1', redis.server.port);
    const { cache, lines } = redisCache(`redis://127.0.0.1:${proxy.port}`, { commandTimeoutMs: 300 });
    const publisher = quietCache(redis.server.url);
    try {
      await Promise.all([cache.start(), publisher.start()]);
      const got: Update[] = [];
      await cache.subscribe((u) => got.push(u));
      proxy.freeze((sent) => sent.includes('tickflow:updates'));
      await rejectsUnavailableWithin('health', cache.health(), 700);
      await cache.setLatest(latest('BTC', 3), 45_000); // the command connection is fine
      proxy.thaw();
      await waitFor('health again', () => cache.health().then(() => true), 10_000, 50);
      await deliveredAgain(publisher, got, 11);
      assert.equal(logged(lines, 'redis unreachable').length, 1);
    } finally {
      await proxy.close();
    }
  });

  test('a Redis that hangs once connected: every call and close settle within the command timeout', async () => {
    const proxy = await startFreezableProxy('127.0.0.1', redis.server.port);
    const url = `redis://127.0.0.1:${proxy.port}`;
    const { cache, lines } = redisCache(url, { commandTimeoutMs: 300, connectTimeoutMs: 500 });
    try {
      await cache.start();
      const got: Update[] = [];
      await cache.subscribe((u) => got.push(u));
      let restored = 0;
      cache.onRestored(() => restored++);
      await cache.setLatest(latest('BTC', 1), 45_000);

      proxy.freeze();
      await Promise.all(
        everyCall(cache).map(([what, call]) =>
          // The updates connection is subscribed already: a new handler joins it without a round trip.
          what === 'subscribe' ? settlesWithin(what, call, 700) : rejectsUnavailableWithin(what, call, 700),
        ),
      );
      await waitFor(
        'the silent connection to count as an outage',
        () => logged(lines, 'unreachable').length === 1,
      );

      proxy.thaw();
      await waitFor('the cache to answer again', () => cache.health().then(() => true), 10_000, 50);
      await waitFor('onRestored', () => restored === 1, 5_000, 10);
      assert.equal((await cache.getLatest('BTC'))?.price, 1);
      const publisher = redisCache(redis.server.url).cache;
      await publisher.start();
      await deliveredAgain(publisher, got, 9);

      proxy.freeze();
      await settlesWithin('close', cache.close(), 700);
      await publisher.close();
    } finally {
      await proxy.close();
    }
    assert.deepEqual(await tickflowClients(redis.server.url), [], 'no connection left open');
  });
});
