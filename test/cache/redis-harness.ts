/** Shared pieces of the Redis cache's tests: caches and a raw client on a private Redis, and timing. */
import assert from 'node:assert/strict';
import { after, afterEach, before } from 'node:test';
import { Redis } from 'ioredis';
import { createRedisCache, type RedisCache, type RedisCacheOptions } from '../../src/cache/redis-cache.js';
import { silentLogger } from '../../src/logger.js';
import { type LogLine, recordingLogger } from '../support/recording-logger.js';
import { type PrivateServer, startRedis } from '../support/services.js';
import { isUnavailable, latest, tickUpdate } from './fixtures.js';

export { isUnavailable, latest, tickUpdate };

/** A private Redis for the tests of one file, removed after them. */
export function useRedis(): { server: PrivateServer } {
  const fixture = {} as { server: PrivateServer };
  before(async () => {
    fixture.server = await startRedis();
  });
  after(async () => {
    await fixture.server.close();
  });
  return fixture;
}

const opened: { close(): unknown }[] = [];
// So that a test that fails leaves no connection behind to confuse the next.
afterEach(async () => {
  await Promise.all(opened.splice(0).map((c) => c.close()));
});

/** A RedisCache closed after the test (closing it twice is harmless), with the lines it logged. */
export function redisCache(
  url: string,
  options: Partial<RedisCacheOptions> = {},
): { cache: RedisCache; lines: LogLine[] } {
  const { logger, lines } = recordingLogger('debug');
  const cache = createRedisCache({ url, logger, ...options });
  opened.push(cache);
  return { cache, lines };
}

export const quietCache = (url: string, options: Partial<RedisCacheOptions> = {}): RedisCache =>
  redisCache(url, { logger: silentLogger(), ...options }).cache;

/** A plain ioredis client, to look at and write Redis behind the cache's back; closed after the test. */
export function rawClient(url: string): Redis {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  client.on('error', () => undefined);
  opened.push({
    close: () => {
      client.disconnect();
    },
  });
  return client;
}

/** The names of the tickflow connections Redis has open. */
export async function tickflowClients(url: string): Promise<string[]> {
  const list = (await rawClient(url).client('LIST')) as string;
  return [...list.matchAll(/ name=(tickflow:\S+)/g)].map((m) => m[1]!).sort();
}

/** Lines logged with message `msg` (a substring). */
export const logged = (lines: readonly LogLine[], msg: string): LogLine[] =>
  lines.filter((line) => line.msg.includes(msg));

/** Awaits `promise`; asserts it rejected TF_CACHE_UNAVAILABLE within `withinMs`; returns the time taken. */
export async function rejectsUnavailableWithin(
  what: string,
  promise: Promise<unknown>,
  withinMs: number,
): Promise<number> {
  const started = Date.now();
  await assert.rejects(promise, isUnavailable, `${what} rejects TF_CACHE_UNAVAILABLE`);
  const took = Date.now() - started;
  assert.ok(took < withinMs, `${what} took ${took} ms, more than ${withinMs} ms`);
  return took;
}

/** Every method except close, called on `cache`, each with what it is. */
export const everyCall = (cache: RedisCache): [string, Promise<unknown>][] => [
  ['setLatest', cache.setLatest(latest('BTC', 1), 45_000)],
  ['getLatest', cache.getLatest('BTC')],
  ['publish', cache.publish(tickUpdate('BTC', 1))],
  ['subscribe', cache.subscribe(() => undefined)],
  ['health', cache.health()],
];
