import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Update } from '../../src/cache/cache.js';
import { MemoryCache } from '../../src/cache/memory-cache.js';
import { isUnavailable, latest, tickUpdate } from './fixtures.js';

/** A cache on a clock the test moves by hand. */
function clockedCache(): { cache: MemoryCache; advance: (ms: number) => void } {
  let now = 1_000_000;
  const cache = new MemoryCache({ now: () => now });
  return { cache, advance: (ms) => (now += ms) };
}

async function until(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
}

describe('MemoryCache latest keys', () => {
  test('returns what was set, as a copy the reader cannot use to change the cache', async () => {
    const { cache } = clockedCache();
    const value = latest('BTC', 100);
    await cache.setLatest(value, 45_000);
    const first = await cache.getLatest('BTC');
    assert.deepEqual(first, value);
    assert.notEqual(first, value);
    (first as { price: number }).price = 1;
    assert.equal((await cache.getLatest('BTC'))?.price, 100);
    assert.equal(await cache.getLatest('ETH'), null);
    await cache.close();
  });

  test('an entry lives for its TTL and is gone at its expiry instant', async () => {
    const { cache, advance } = clockedCache();
    await cache.setLatest(latest('BTC', 100), 45_000);
    advance(44_999);
    assert.equal((await cache.getLatest('BTC'))?.price, 100);
    advance(1);
    assert.equal(await cache.getLatest('BTC'), null);
    assert.equal(cache.size, 0, 'an expired entry is removed when read');
    await cache.close();
  });

  test('setting again replaces the value and restarts the TTL', async () => {
    const { cache, advance } = clockedCache();
    await cache.setLatest(latest('BTC', 100), 1_000);
    advance(900);
    await cache.setLatest(latest('BTC', 101), 1_000);
    advance(900);
    assert.equal((await cache.getLatest('BTC'))?.price, 101);
    await cache.close();
  });

  test('sweep removes expired keys that nobody reads', async () => {
    const { cache, advance } = clockedCache();
    await cache.setLatest(latest('BTC', 100), 1_000);
    await cache.setLatest(latest('ETH', 10), 5_000);
    advance(2_000);
    assert.equal(cache.sweep(), 1);
    assert.equal(cache.size, 1);
    assert.equal((await cache.getLatest('ETH'))?.price, 10);
    await cache.close();
  });

  test('the sweep timer runs after start and is cleared by close', async () => {
    let now = 0;
    let clockReads = 0;
    const cache = new MemoryCache({ now: () => (clockReads++, now), sweepIntervalMs: 5 });
    await cache.start();
    await cache.start();
    await cache.setLatest(latest('BTC', 100), 1_000);
    now = 10_000;
    await until(() => cache.size === 0);
    assert.equal(cache.size, 0, 'the timer swept the expired key without a read');
    await cache.close();
    const readsAtClose = clockReads;
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(clockReads, readsAtClose, 'no sweeps after close');
  });

  test('rejects a TTL that is not a positive integer', async () => {
    const { cache } = clockedCache();
    for (const ttl of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      await assert.rejects(cache.setLatest(latest('BTC', 1), ttl), { code: 'TF_CACHE_INVALID_TTL' });
    }
    assert.equal(cache.size, 0);
    await cache.close();
  });
});

describe('MemoryCache pub/sub', () => {
  test('delivers every update in order to every subscriber, each with its own copy', async () => {
    const { cache } = clockedCache();
    const a: Update[] = [];
    const b: Update[] = [];
    await cache.subscribe((u) => {
      a.push(u);
      (u as { price: number }).price = -1;
    });
    await cache.subscribe((u) => b.push(u));
    const sent = [tickUpdate('BTC', 1), tickUpdate('ETH', 2), tickUpdate('BTC', 3)];
    for (const u of sent) await cache.publish(u);
    assert.deepEqual(b, sent, 'a mutating subscriber does not affect another');
    assert.equal(a.length, 3);
    assert.equal((sent[0] as { price: number }).price, 1, 'nor the publisher');
    await cache.close();
  });

  test('unsubscribe stops delivery to that handler only', async () => {
    const { cache } = clockedCache();
    const a: Update[] = [];
    const b: Update[] = [];
    const offA = await cache.subscribe((u) => a.push(u));
    await cache.subscribe((u) => b.push(u));
    assert.equal(cache.subscribers, 2);
    await cache.publish(tickUpdate('BTC', 1));
    await offA();
    await offA();
    assert.equal(cache.subscribers, 1);
    await cache.publish(tickUpdate('BTC', 2));
    assert.equal(a.length, 1);
    assert.equal(b.length, 2);
    await cache.close();
  });

  test('a subscriber that throws harms neither the publisher nor other subscribers', async () => {
    const { cache } = clockedCache();
    const got: Update[] = [];
    await cache.subscribe(() => {
      throw new Error('boom');
    });
    await cache.subscribe((u) => got.push(u));
    await cache.publish(tickUpdate('BTC', 1));
    await cache.publish(tickUpdate('BTC', 2));
    assert.equal(got.length, 2);
    await cache.close();
  });
});

describe('MemoryCache after close', () => {
  test('every method rejects with a retriable TF_CACHE_UNAVAILABLE (503)', async () => {
    const { cache } = clockedCache();
    await cache.setLatest(latest('BTC', 100), 45_000);
    const offered: Update[] = [];
    const off = await cache.subscribe((u) => offered.push(u));
    await cache.close();
    await cache.close();
    await assert.rejects(cache.getLatest('BTC'), isUnavailable);
    await assert.rejects(cache.setLatest(latest('BTC', 1), 1_000), isUnavailable);
    await assert.rejects(cache.publish(tickUpdate('BTC', 1)), isUnavailable);
    await assert.rejects(
      cache.subscribe(() => undefined),
      isUnavailable,
    );
    await assert.rejects(cache.health(), isUnavailable);
    await assert.rejects(cache.start(), isUnavailable);
    await off();
    assert.equal(offered.length, 0);
    assert.equal(cache.size, 0);
  });

  test('health resolves while open', async () => {
    const { cache } = clockedCache();
    await cache.health();
    await cache.close();
  });
});
