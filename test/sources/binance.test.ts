import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createBinanceSource, type BinanceOptions } from '../../src/sources/binance.js';
import { sendJson } from '../support/loopback-server.js';
import type { FakeExchange } from './fake-exchange.js';
import { recordingSleep, until } from './helpers.js';
import { quickStreamOptions, streamFixture } from './stream-fixture.js';

const T0 = 1_714_564_800_000;

/** Each pair's trade ledger, as Binance describes trades on the stream and over REST. */
class Market {
  readonly ids = new Map<string, number>();
  readonly rest = new Map<
    string,
    {
      id: number;
      price: string;
      qty: string;
      quoteQty: string;
      time: number;
      isBuyerMaker: boolean;
      isBestMatch: boolean;
    }[]
  >();

  add(pair: string, count: number): void {
    const list = this.rest.get(pair) ?? [];
    for (let i = 0; i < count; i++) {
      const id = list.length + 1;
      list.push({
        id,
        price: `${pair === 'BTCUSDT' ? 60_000 + id : 3_000 + id}.10000000`,
        qty: '0.50000000',
        quoteQty: '1',
        time: T0 + id,
        isBuyerMaker: false,
        isBestMatch: true,
      });
    }
    this.rest.set(pair, list);
  }

  /** The combined-stream message for trade `id` of `pair`. */
  message(pair: string, id: number): string {
    const t = this.rest.get(pair)![id - 1]!;
    return JSON.stringify({
      stream: `${pair.toLowerCase()}@trade`,
      data: {
        e: 'trade',
        E: t.time + 5,
        s: pair,
        t: t.id,
        p: t.price,
        q: t.qty,
        T: t.time,
        m: t.isBuyerMaker,
        M: true,
      },
    });
  }
}

/** `GET /api/v3/trades`: the latest `min(limit, cap)` trades, oldest first. */
function serveTrades(fake: FakeExchange, market: Market, cap: number): void {
  fake.onRest = (url, res) => {
    const list = market.rest.get(url.searchParams.get('symbol') ?? '');
    if (url.pathname !== '/api/v3/trades' || list === undefined) {
      sendJson(res, 400, { code: -1121, msg: 'Invalid symbol.' });
      return;
    }
    sendJson(res, 200, list.slice(-Math.min(Number(url.searchParams.get('limit') ?? 500), cap)));
  };
}

const setup = streamFixture((fake, overrides: Partial<BinanceOptions>) =>
  createBinanceSource({
    ...quickStreamOptions(fake),
    symbols: ['BTC', 'ETH'],
    clock: () => T0 + 50_000,
    ...overrides,
  }),
);

const seqs = (ticks: readonly { symbol: string; seq: string | null }[], symbol: string): (string | null)[] =>
  ticks.filter((t) => t.symbol === symbol).map((t) => t.seq);

describe('Binance source', () => {
  test('reads the combined @trade streams into ticks: seq = t, volume = q, ts = T', async () => {
    const { fake, source, out } = await setup();
    const market = new Market();
    market.add('BTCUSDT', 2);
    market.add('ETHUSDT', 1);
    fake.onConnection = (ws) => {
      for (const m of [
        market.message('BTCUSDT', 1),
        market.message('ETHUSDT', 1),
        market.message('BTCUSDT', 2),
      ])
        ws.send(m);
      ws.send(
        JSON.stringify({
          stream: 'btcusdt@trade',
          data: { e: 'trade', s: 'BTCUSDT', t: 3, p: '-1', q: '1', T: T0 },
        }),
      );
    };
    await source.start(out.sink);
    await until(
      () => out.ticks.length >= 3 && source.status().rejected === 1,
      'three trades and one rejection',
    );
    assert.equal(fake.paths[0], '/stream?streams=btcusdt@trade/ethusdt@trade');
    assert.deepEqual(out.ticks[0], {
      symbol: 'BTC',
      price: 60_001.1,
      ts: T0 + 1,
      receivedAt: T0 + 50_000,
      source: 'binance',
      volume: 0.5,
      seq: '1',
      change24h: null,
      volume24h: null,
    });
    assert.deepEqual(
      out.ticks.map((t) => `${t.symbol}:${t.seq}`),
      ['BTC:1', 'ETH:1', 'BTC:2'],
    );
    assert.equal(source.status().lastError, 'trade.p: must be a decimal greater than 0');
  });

  test('back-fills over /api/v3/trades after a reconnect; a gap older than the latest trades it returns is counted', async () => {
    const { fake, source, out } = await setup();
    const market = new Market();
    market.add('BTCUSDT', 3);
    market.add('ETHUSDT', 3);
    fake.onConnection = (ws, index) => {
      if (index === 0) {
        for (const id of [1, 2, 3]) ws.send(market.message('BTCUSDT', id));
        for (const id of [1, 2, 3]) ws.send(market.message('ETHUSDT', id));
        setTimeout(() => {
          market.add('BTCUSDT', 2); // 4-5: within what REST returns
          market.add('ETHUSDT', 10); // 4-13: REST returns only 9-13
          ws.close(1001, 'going away');
        }, 30);
        return;
      }
      market.add('BTCUSDT', 1);
      for (const id of [5, 6]) ws.send(market.message('BTCUSDT', id));
    };
    serveTrades(fake, market, 5);
    await source.start(out.sink);
    await until(
      () => seqs(out.ticks, 'BTC').length >= 6 && seqs(out.ticks, 'ETH').length >= 8,
      'the back-filled trades',
    );
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.deepEqual(seqs(out.ticks, 'BTC'), ['1', '2', '3', '4', '5', '6']);
    assert.deepEqual(seqs(out.ticks, 'ETH'), ['1', '2', '3', '9', '10', '11', '12', '13']);
    assert.deepEqual(fake.restRequests.map((u) => `${u.pathname}?${u.searchParams.toString()}`).sort(), [
      '/api/v3/trades?symbol=BTCUSDT&limit=1000',
      '/api/v3/trades?symbol=ETHUSDT&limit=1000',
    ]);
    assert.equal(source.status().gaps, 1, 'ETH trades 4-8 could not be fetched');
  });

  test('a refused handshake is retried, honouring Retry-After', async () => {
    const waits = recordingSleep(20);
    const { fake, source, out } = await setup({ sleep: waits.sleep, backoff: { baseMs: 10, maxMs: 5000 } });
    const market = new Market();
    market.add('BTCUSDT', 1);
    fake.refuse.push({ status: 429, retryAfter: '2' }, { status: 503 });
    fake.onConnection = (ws) => {
      ws.send(market.message('BTCUSDT', 1));
    };
    await source.start(out.sink);
    await until(() => out.ticks.length >= 1, 'a trade after two refusals');
    assert.equal(waits.waits[0], 2000, 'Retry-After: 2');
    assert.ok(waits.waits[1]! < 40, 'then full jitter');
    assert.equal(source.status().state, 'ok');
    assert.match(source.status().lastError ?? '', /Binance answered 503 to the WebSocket handshake/);
  });

  test('the silence watchdog reconnects a connection that stopped talking', async () => {
    const { fake, source, out } = await setup({ silenceMs: 120 });
    const market = new Market();
    market.add('BTCUSDT', 1);
    fake.onConnection = (ws, index) => {
      if (index === 0) ws.send(market.message('BTCUSDT', 1));
    };
    serveTrades(fake, market, 1000);
    await source.start(out.sink);
    await until(() => fake.connections.length >= 2, 'a second connection', 2000);
    assert.match(source.status().lastError ?? '', /Binance sent nothing for 120 ms/);
  });
});
