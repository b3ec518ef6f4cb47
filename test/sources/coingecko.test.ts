import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { CoinGeckoSource, type CoinGeckoOptions } from '../../src/sources/coingecko.js';
import {
  sourceOnFake,
  BAD_PRICES,
  type BadPrice,
  type FakeCoinGecko,
  type FakeCoinGeckoOptions,
  FUTURE_SECONDS,
  servedTicks,
  startFakeCoinGecko,
} from '../fixtures/fake-coingecko.js';
import { captureLogger, collector, recordingSleep, until } from './helpers.js';

const START = 1_700_000_040; // epoch seconds
const fakes: FakeCoinGecko[] = [];
const sources: CoinGeckoSource[] = [];
after(async () => {
  await Promise.all(sources.map((s) => s.close()));
  await Promise.all(fakes.map((f) => f.close()));
});

async function fake(options: FakeCoinGeckoOptions = {}): Promise<FakeCoinGecko> {
  const f = await startFakeCoinGecko({
    startAt: START,
    prices: { bitcoin: 43_000, ethereum: 2_300 },
    ...options,
  });
  fakes.push(f);
  return f;
}

function source(baseUrl: string, overrides: Partial<CoinGeckoOptions> = {}): CoinGeckoSource {
  const s = sourceOnFake(baseUrl, {
    pollIntervalMs: 20,
    attempts: 3,
    futureHorizonMs: 300_000,
    backoff: { baseMs: 5, maxMs: 2000 },
    clock: () => 1_800_000_000_000,
    ...overrides,
  });
  sources.push(s);
  return s;
}

const BY_ID = { bitcoin: 'BTC', ethereum: 'ETH' };

describe('CoinGecko source', () => {
  test('emits a tick per coin per fresh snapshot, with event time last_updated_at × 1000; repeats are dropped', async () => {
    const f = await fake({ script: ['ok', 'repeat', 'ok', 'repeat', 'repeat', 'ok'] });
    const out = collector();
    const s = source(f.url);
    await s.start(out.sink);
    await until(() => out.ticks.length >= 6, 'three fresh snapshots');
    await s.close();

    const expected = servedTicks(
      f.served.filter((snap) => snap.request <= 6),
      BY_ID,
    );
    assert.equal(expected.length, 6, 'six requests served three distinct snapshots of two coins');
    assert.deepEqual(
      out.ticks.slice(0, 6).map((t) => ({
        symbol: t.symbol,
        price: t.price,
        ts: t.ts,
        source: t.source,
        volume: t.volume,
        seq: t.seq,
      })),
      expected,
    );
    assert.deepEqual(
      out.ticks.slice(0, 6).map((t) => t.ts),
      [START, START, START + 10, START + 10, START + 20, START + 20].map((sec) => sec * 1000),
    );
    const first = out.ticks[0]!;
    const quote = f.served[0]!.coins['bitcoin']!;
    assert.equal(first.receivedAt, 1_800_000_000_000);
    assert.equal(first.change24h, quote.usd_24h_change);
    assert.equal(first.volume24h, quote.usd_24h_vol);
    assert.equal(
      new Set(out.ticks.map((t) => `${t.symbol}@${t.ts}`)).size,
      out.ticks.length,
      'no tick twice',
    );
    assert.equal(s.status().state, 'stopped');
    assert.equal(s.status().gaps, 0);
    assert.match(f.log[0]!.path, /^\/simple\/price$/);
  });

  test('a snapshot from the year 3000 never hides the real snapshots after it', async () => {
    const f = await fake({ script: ['ok', 'future', 'ok', 'repeat', 'ok'] });
    const out = collector();
    const s = source(f.url);
    await s.start(out.sink);
    await until(() => out.ticks.length >= 8, 'every snapshot up to the last fresh one');
    await s.close();
    assert.deepEqual(
      out.ticks.slice(0, 8).map((t) => `${t.symbol}@${t.ts / 1000}`),
      [START, FUTURE_SECONDS, START + 10, START + 20].flatMap((sec) => [`BTC@${sec}`, `ETH@${sec}`]),
      'the far-future ticks are handed on (the ingestor dead-letters them); real ones still follow',
    );
  });

  test('under a seeded mix of 429s, 500s and repeats it emits exactly the distinct snapshots served', async () => {
    const f = await fake({
      random: { seed: 3, repeat: 0.25, rateLimit: 0.15, serverError: 0.15 },
      retryAfter: '0',
    });
    const out = collector();
    const s = source(f.url, { pollIntervalMs: 5 });
    await s.start(out.sink);
    await until(() => f.served.length >= 20, 'twenty snapshots served');
    await s.close();
    const failures = f.log.filter((r) => r.outcome === '429' || r.outcome === '500').length;
    assert.ok(failures > 0 && f.served.some((snap) => snap.repeated), 'the schedule did fail and repeat');
    const emitted = out.ticks.map((t) => ({ symbol: t.symbol, price: t.price, ts: t.ts }));
    const expected = servedTicks(f.served, BY_ID).map(({ symbol, price, ts }) => ({ symbol, price, ts }));
    // close() may abort the last request after the fake recorded it, before its answer was read.
    const withoutLast = servedTicks(f.served.slice(0, -1), BY_ID).map(({ symbol, price, ts }) => ({
      symbol,
      price,
      ts,
    }));
    assert.ok(
      JSON.stringify(emitted) === JSON.stringify(expected) ||
        JSON.stringify(emitted) === JSON.stringify(withoutLast),
      'emitted ticks equal the distinct served snapshots',
    );
  });

  test('asks for every id with the documented query and sends the API key header when set', async () => {
    const f = await fake({ apiKey: 'demo-key-1' });
    const out = collector();
    const s = source(f.url, { apiKey: 'demo-key-1', symbols: ['BTC', 'ETH', 'SOL'] });
    await s.start(out.sink);
    await until(() => out.ticks.length >= 3, 'a snapshot');
    await s.close();
    assert.equal(f.log[0]!.apiKey, 'demo-key-1');
    assert.deepEqual(f.log[0]!.query, {
      ids: 'bitcoin,ethereum,sol',
      vs_currencies: 'usd',
      include_24hr_vol: 'true',
      include_24hr_change: 'true',
      include_last_updated_at: 'true',
    });
    assert.deepEqual(new Set(out.ticks.slice(0, 3).map((t) => t.symbol)), new Set(['BTC', 'ETH', 'SOL']));
  });

  test('a 401 is a configuration error naming the status and URL, never the key; polling goes on slower', async () => {
    const f = await fake({ apiKey: 'right-key' });
    const log = captureLogger();
    const waits = recordingSleep(20);
    const s = source(f.url, { apiKey: 'wrong-secret-key', logger: log.logger, sleep: waits.sleep });
    await s.start(collector().sink);
    await until(() => f.requests >= 4, 'four polls');
    const status = s.status();
    await s.close();
    assert.equal(status.state, 'down');
    assert.match(
      status.lastError ?? '',
      /CoinGecko answered 401 Unauthorized for GET http:\/\/127\.0\.0\.1:\d+\/simple\/price\?ids=bitcoin,ethereum&/,
    );
    assert.match(status.lastError ?? '', /COINGECKO_API_KEY/);
    assert.doesNotMatch(JSON.stringify(log.lines), /wrong-secret-key/);
    assert.equal(
      f.log.filter((r) => r.outcome === '401').length,
      f.requests,
      'a config error is not retried within a poll',
    );
    const errors = log.at('error');
    assert.equal(errors.length, 1, 'logged once while it lasts');
    assert.equal(errors[0]!['code'], 'TF_SOURCE_CONFIG');
  });

  test('a 404 (wrong base URL) is a configuration error', async () => {
    const f = await fake();
    const s = source(`${f.url}/api/v9`);
    await s.start(collector().sink);
    await until(() => s.status().state === 'down', 'the source to be down');
    assert.match(
      s.status().lastError ?? '',
      /answered 404 Not Found for GET .*\/api\/v9\/simple\/price.*COINGECKO_BASE_URL/,
    );
    await s.close();
  });

  test('429 with Retry-After and 500 are retried within the poll: Retry-After is honoured, no gap', async () => {
    const f = await fake({ script: ['429', '500', 'ok'], retryAfter: '1' });
    const out = collector();
    const waits = recordingSleep(20);
    const s = source(f.url, { sleep: waits.sleep, random: () => 0.5, backoff: { baseMs: 40, maxMs: 2000 } });
    await s.start(out.sink);
    await until(() => out.ticks.length >= 2, 'the retried poll');
    await s.close();
    assert.deepEqual(waits.waits.slice(0, 2), [1000, 40], 'Retry-After 1 s, then full jitter 0.5 × 40 × 2¹');
    assert.deepEqual(
      out.ticks.slice(0, 2).map((t) => t.ts),
      [START * 1000, START * 1000],
    );
    assert.equal(s.status().gaps, 0);
  });

  test('after the last attempt the poll is skipped and counted as a gap; a long outage is logged once', async () => {
    const f = await fake({ script: ['500', '500', '500', '500', '500', '500', 'ok'] });
    const log = captureLogger();
    const out = collector();
    const s = source(f.url, { attempts: 2, logger: log.logger });
    const states: string[] = [];
    await s.start(out.sink);
    await until(() => {
      states.push(s.status().state);
      return out.ticks.length >= 2;
    }, 'recovery');
    const status = s.status();
    await s.close();
    assert.equal(status.gaps, 3, 'six failed requests, two attempts per poll');
    assert.equal(status.state, 'ok');
    assert.match(status.lastError ?? '', /answered 500 Internal Server Error/);
    assert.ok(states.includes('down'), 'down between the skipped polls');
    assert.equal(
      log.at('warn').filter((l) => l['kind'] === 'unavailable').length,
      1,
      'one warning for the whole outage',
    );
    assert.equal(
      log.at('info').filter((l) => l['kind'] === 'unavailable').length,
      1,
      'one line when it recovers',
    );
  });

  test('a timeout is retried', async () => {
    const f = await fake({ script: ['slow', 'ok'], slowMs: 1500 });
    const out = collector();
    const s = source(f.url, { timeoutMs: 100 });
    await s.start(out.sink);
    await until(() => out.ticks.length >= 2, 'the retried poll');
    await s.close();
    assert.equal(s.status().gaps, 0);
    assert.match(s.status().lastError ?? '', /did not answer within 100 ms/);
  });

  test('malformed entries are rejected with the field and reason, logged once per reason', async () => {
    const f = await fake({ script: ['malformed', 'malformed', 'ok'] });
    const log = captureLogger();
    const out = collector();
    const s = source(f.url, { logger: log.logger });
    await s.start(out.sink);
    await until(() => out.ticks.length >= 2, 'a good poll');
    await s.close();
    assert.equal(s.status().rejected, 4, 'two coins, twice');
    const reasons = log.at('warn').map((l) => l['reason']);
    assert.deepEqual(reasons, [
      'bitcoin.usd: must be a finite number greater than 0',
      'ethereum.usd: must be a finite number greater than 0',
    ]);
  });

  test('hostile 200s are rejected, each logged once with its code and counted; only plausible entries become ticks', async () => {
    const badPrices = Object.keys(BAD_PRICES) as BadPrice[];
    const f = await fake({
      script: ['truncated', 'ok', 'array', 'error-body', 'huge', 'ok', 'huge-sized', ...badPrices, 'ok'],
    });
    const log = captureLogger();
    const out = collector();
    const s = source(f.url, { logger: log.logger });
    await s.start(out.sink);
    // Three good polls of both coins, and ETH alone from each poll with a bad BTC price.
    await until(() => out.ticks.length >= 3 * 2 + badPrices.length, 'the last good poll');
    await s.close();
    assert.deepEqual(
      out.ticks.map(({ symbol, price, ts }) => ({ symbol, price, ts })),
      servedTicks(f.served, BY_ID).map(({ symbol, price, ts }) => ({ symbol, price, ts })),
      'exactly the plausible entries served: no bad price reached a tick',
    );
    assert.ok(out.ticks.every((t) => t.price > 0 && t.price < 1e6));
    assert.equal(f.served.filter((snap) => snap.coins['bitcoin'] === undefined).length, badPrices.length);
    // truncated 1, array 2 coins, error-body 2 coins, huge 1, huge-sized 1, a bad price 1 each.
    assert.equal(s.status().rejected, 1 + 2 + 2 + 1 + 1 + badPrices.length);
    assert.equal(s.status().gaps, 0, 'a hostile answer is rejected, not a gap');
    const warnings = log.at('warn').map((l) => `${String(l['code'])} ${String(l['reason'] ?? l['err'])}`);
    assert.deepEqual(
      warnings,
      [
        'TF_SOURCE_PAYLOAD CoinGecko answered GET ' +
          `${f.url}/simple/price?ids=bitcoin,ethereum&vs_currencies=usd&include_24hr_vol=true&include_24hr_change=true&include_last_updated_at=true with invalid JSON`,
        'TF_SOURCE_PAYLOAD bitcoin.response: must be a JSON object keyed by coin id',
        'TF_SOURCE_PAYLOAD ethereum.response: must be a JSON object keyed by coin id',
        'TF_SOURCE_PAYLOAD bitcoin.response: is CoinGecko\'s error 10005 ("Internal error, try again"), not prices',
        'TF_SOURCE_PAYLOAD ethereum.response: is CoinGecko\'s error 10005 ("Internal error, try again"), not prices',
        `TF_SOURCE_PAYLOAD CoinGecko answered GET ${f.url}/simple/price?ids=bitcoin,ethereum&vs_currencies=usd&include_24hr_vol=true&include_24hr_change=true&include_last_updated_at=true with a body over 4194304 bytes; it was not read`,
        `TF_SOURCE_PAYLOAD CoinGecko answered GET ${f.url}/simple/price?ids=bitcoin,ethereum&vs_currencies=usd&include_24hr_vol=true&include_24hr_change=true&include_last_updated_at=true with a body over 4194304 bytes; it was not read`,
        'TF_SOURCE_PAYLOAD bitcoin.usd: must be a finite number greater than 0',
        'TF_SOURCE_PAYLOAD bitcoin.usd: must be at most 1e15: no asset is priced that high',
      ],
      'one line per payload failure (each follows a good poll); each distinct rejection reason once',
    );
  });

  test('close() ends a long Retry-After wait at once', async () => {
    const f = await fake({ script: ['429'], retryAfter: '30' });
    const s = source(f.url, { backoff: { baseMs: 5, maxMs: 60_000 } });
    await s.start(collector().sink);
    await until(() => s.status().state === 'retrying', 'the retry wait');
    const began = Date.now();
    await s.close();
    assert.ok(Date.now() - began < 500, 'close did not wait for Retry-After');
    assert.equal(s.status().state, 'stopped');
  });

  test('a Retry-After longer than the backoff cap skips the poll and defers the next one', async () => {
    const f = await fake({ script: ['429', 'ok'], retryAfter: '1' });
    const waits = recordingSleep(20);
    const out = collector();
    const s = source(f.url, { sleep: waits.sleep, backoff: { baseMs: 5, maxMs: 500 } });
    await s.start(out.sink);
    await until(() => out.ticks.length >= 2, 'the next poll');
    await s.close();
    assert.equal(s.status().gaps, 1);
    assert.equal(waits.waits[0], 1000, 'the next poll waits for Retry-After, not the poll interval');
  });

  test('warns once at start when the poll interval would exceed the monthly call budget', async () => {
    const f = await fake();
    const log = captureLogger();
    const s = source(f.url, { pollIntervalMs: 30_000, monthlyCalls: 10_000, logger: log.logger });
    await s.start(collector().sink);
    await s.close();
    const warning = log.at('warn').map((l) => l.msg);
    assert.deepEqual(warning, [
      'polling CoinGecko every 30s makes about 86400 calls a month, over the budget of 10000: set TICKFLOW_POLL_INTERVAL to 260s or more',
    ]);
    const quiet = captureLogger();
    const t = source(f.url, { pollIntervalMs: 300_000, monthlyCalls: 10_000, logger: quiet.logger });
    await t.start(collector().sink);
    await t.close();
    assert.equal(quiet.at('warn').length, 0);
  });
});
