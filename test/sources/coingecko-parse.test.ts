import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { epochMs } from '../../src/domain/time.js';
import { parseSimplePrice } from '../../src/sources/coingecko-parse.js';

const coins = [
  { symbol: 'BTC', id: 'bitcoin' },
  { symbol: 'ETH', id: 'ethereum' },
];
const at = epochMs(1_800_000_000_000);
const good = { usd: 43_000.5, usd_24h_vol: 2.1e10, usd_24h_change: -1.25, last_updated_at: 1_700_000_000 };

const reasons = (body: unknown): string[] =>
  parseSimplePrice(body, coins, at).rejections.map((r) => `${r.symbol} ${r.id}.${r.field}: ${r.reason}`);

describe('parseSimplePrice', () => {
  test('one tick per coin, event time in ms, 24h figures kept, null 24h figures allowed', () => {
    const { ticks, rejections } = parseSimplePrice(
      {
        bitcoin: good,
        ethereum: { usd: 2300, usd_24h_vol: null, usd_24h_change: null, last_updated_at: 1_700_000_001 },
      },
      coins,
      at,
    );
    assert.deepEqual(rejections, []);
    assert.deepEqual(ticks[0], {
      symbol: 'BTC',
      price: 43_000.5,
      ts: 1_700_000_000_000,
      receivedAt: at,
      source: 'coingecko',
      volume: 0,
      seq: null,
      change24h: -1.25,
      volume24h: 2.1e10,
    });
    assert.equal(ticks[1]!.change24h, null);
  });

  test('each malformed or missing entry is rejected with its field and reason; the others still count', () => {
    assert.deepEqual(reasons({ bitcoin: good }), [
      'ETH ethereum.entry: missing from the response (is the CoinGecko id right?)',
    ]);
    assert.deepEqual(reasons({ bitcoin: { ...good, usd: '43000' }, ethereum: [] }), [
      'BTC bitcoin.usd: must be a finite number greater than 0',
      'ETH ethereum.entry: must be a JSON object',
    ]);
    assert.deepEqual(
      reasons({ bitcoin: { ...good, usd: 0 }, ethereum: { ...good, last_updated_at: 1.7e9 + 0.5 } }),
      [
        'BTC bitcoin.usd: must be a finite number greater than 0',
        'ETH ethereum.last_updated_at: must be whole epoch seconds',
      ],
    );
    assert.deepEqual(
      reasons({
        bitcoin: { ...good, last_updated_at: 1.7e12 * 1000 },
        ethereum: { ...good, usd_24h_vol: 'big' },
      }),
      [
        'BTC bitcoin.last_updated_at: must be whole epoch seconds',
        'ETH ethereum.usd_24h_vol: must be a finite number or null',
      ],
    );
    assert.deepEqual(reasons({ bitcoin: { ...good, usd_24h_change: Number.NaN }, ethereum: good }), [
      'BTC bitcoin.usd_24h_change: must be a finite number or null',
    ]);
  });

  test('an implausible price is rejected: negative, zero, NaN, null, a string, over 1e15', () => {
    for (const usd of [-43_000, 0, Number.NaN, null, 'NaN', '43000', Infinity]) {
      assert.deepEqual(reasons({ bitcoin: { ...good, usd }, ethereum: good }), [
        'BTC bitcoin.usd: must be a finite number greater than 0',
      ]);
    }
    assert.deepEqual(reasons({ bitcoin: { ...good, usd: 1e300 }, ethereum: { ...good, usd: 1e15 + 1 } }), [
      'BTC bitcoin.usd: must be at most 1e15: no asset is priced that high',
      'ETH ethereum.usd: must be at most 1e15: no asset is priced that high',
    ]);
    assert.deepEqual(reasons({ bitcoin: { ...good, usd: 1e15 }, ethereum: { ...good, usd: 1e-12 } }), []);
  });

  test("CoinGecko's error shape in a 200 rejects every coin with its code and message", () => {
    assert.deepEqual(reasons({ status: { error_code: 10002, error_message: 'API Key Missing' } }), [
      `BTC bitcoin.response: is CoinGecko's error 10002 ("API Key Missing"), not prices`,
      `ETH ethereum.response: is CoinGecko's error 10002 ("API Key Missing"), not prices`,
    ]);
    const long = 'x'.repeat(5_000_000);
    const [first] = reasons({ status: { error_code: long } });
    assert.ok(first !== undefined && first.length < 300, 'a huge error text is cut short');
  });

  test('a body that is not an object rejects every coin', () => {
    assert.deepEqual(reasons([1, 2]), [
      'BTC bitcoin.response: must be a JSON object keyed by coin id',
      'ETH ethereum.response: must be a JSON object keyed by coin id',
    ]);
  });

  test('an inherited property is not an entry', () => {
    assert.deepEqual(
      parseSimplePrice({ bitcoin: good }, [{ symbol: 'X', id: 'toString' }], at).rejections.map(
        (r) => r.field,
      ),
      ['entry'],
    );
  });
});
