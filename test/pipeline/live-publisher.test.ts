import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Update } from '../../src/cache/cache.js';
import { MemoryCache } from '../../src/cache/memory-cache.js';
import { silentLogger } from '../../src/logger.js';
import { LivePublisher } from '../../src/pipeline/live-publisher.js';
import { ProblemCounter } from '../../src/pipeline/problem-counter.js';
import { sec, T0, tick } from '../support/operator-harness.js';
import { waitFor } from '../support/wait.js';

const TTL = 45_000;

function publisherOn(
  cache: MemoryCache,
  maxBacklog = 10_000,
): { publisher: LivePublisher; problems: ProblemCounter } {
  const problems = new ProblemCounter(silentLogger(), 'processor');
  const publisher = new LivePublisher(cache, {
    ttlMs: TTL,
    problems,
    maxBacklog,
    retry: { baseMs: 1, maxMs: 5 },
  });
  publisher.start();
  return { publisher, problems };
}

async function subscribed(cache: MemoryCache): Promise<Update[]> {
  const seen: Update[] = [];
  await cache.subscribe((u) => seen.push(u));
  return seen;
}

describe('LivePublisher', () => {
  test('records work synchronously and sends it in order: latest price first, then the updates', async () => {
    const cache = new MemoryCache();
    const seen = await subscribed(cache);
    const { publisher } = publisherOn(cache);
    const tickPublished = new Promise<string | null>((resolve) => {
      void cache.subscribe((u) => {
        if (u.type === 'tick')
          void cache.getLatest(u.symbol).then((l) => {
            resolve(JSON.stringify(l));
          });
      });
    });
    publisher.ticks([tick({ symbol: 'BTC', ts: T0, price: 100, change24h: 2 })]);
    assert.equal(await cache.getLatest('BTC'), null, 'nothing is sent on the caller’s turn');
    publisher.ticks([tick({ symbol: 'BTC', ts: T0 + sec(1), price: 101 })]);
    publisher.ticks([tick({ symbol: 'BTC', ts: T0 - sec(1), price: 99 })]); // older: not the latest
    await publisher.close();

    assert.deepEqual(await cache.getLatest('BTC'), {
      symbol: 'BTC',
      price: 101,
      ts: T0 + sec(1),
      source: 'test',
      change_24h: 2,
      volume_24h: null,
      stale: false,
    });
    assert.deepEqual(
      seen.map((u) => (u.type === 'tick' ? u.price : u.type)),
      [100, 101],
      'each newer tick is published once, in order; the older one is not',
    );
    const whenPublished = JSON.parse((await tickPublished) ?? 'null') as { price: number } | null;
    assert.ok(
      whenPublished !== null,
      'a subscriber that reads the latest price on a tick update finds it set',
    );
    await cache.close();
  });

  test('a new owner’s first heartbeat or gap uses the latest price its previous owner left in the cache', async () => {
    let now = 1_000_000;
    const cache = new MemoryCache({ now: () => now });
    const seen = await subscribed(cache);
    const before = publisherOn(cache).publisher;
    before.ticks([tick({ symbol: 'BTC', ts: T0, price: 100 })]);
    await before.close(); // the partition moves: the new owner has never seen a BTC tick

    const after = publisherOn(cache).publisher;
    now += 30_000;
    after.signal('BTC', false); // a heartbeat keeps it alive past the old TTL
    await waitFor('the heartbeat to reach the cache', () => after.stats.pending === 0);
    await new Promise((resolve) => setTimeout(resolve, 50));
    now += 30_000;
    assert.equal(
      (await cache.getLatest('BTC'))?.price,
      100,
      'alive 60 s after its tick, thanks to the heartbeat',
    );

    after.signal('BTC', true); // a gap marks it stale
    after.signal('ETH', true); // no owner ever saw an ETH tick: nothing to mark
    await after.close();
    assert.equal((await cache.getLatest('BTC'))?.stale, true);
    assert.equal(await cache.getLatest('ETH'), null);
    assert.deepEqual(
      seen.map((u) => (u.type === 'tick' ? [u.symbol, u.price, u.stale] : u.type)),
      [
        ['BTC', 100, false],
        ['BTC', 100, true],
      ],
    );
    await cache.close();
  });

  test('while the cache is away the backlog stays bounded, the drops are counted, and nothing throws', async () => {
    const cache = new MemoryCache();
    await cache.close(); // every call now rejects TF_CACHE_UNAVAILABLE
    const { publisher, problems } = publisherOn(cache, 100);
    for (let i = 0; i < 5_000; i++) {
      publisher.ticks([tick({ symbol: `S${i % 50}`, ts: T0 + i, price: 1 + i })]);
    }
    await waitFor('the outage to be counted', () => (problems.snapshot()['TF_CACHE_UNAVAILABLE'] ?? 0) > 0);
    assert.equal(publisher.stats.pending, 100, 'only the newest 100 updates are held');
    assert.equal(publisher.stats.dropped, 4_900);
    assert.ok((problems.snapshot()['TF_CACHE_BACKLOG_FULL'] ?? 0) > 0);
    const started = Date.now();
    await publisher.close();
    assert.ok(Date.now() - started < 1_000, 'close does not wait out the outage');
  });
});
