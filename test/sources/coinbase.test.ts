import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { WebSocket } from 'ws';
import { createCoinbaseSource, type CoinbaseOptions } from '../../src/sources/coinbase.js';
import { sendJson } from '../support/loopback-server.js';
import type { FakeExchange } from './fake-exchange.js';
import { until } from './helpers.js';
import { quickStreamOptions, streamFixture } from './stream-fixture.js';

const T0 = Date.parse('2024-05-01T12:00:00.000Z');

/** The exchange's ledger of BTC-USD trades, as Coinbase describes them. */
class Ledger {
  readonly trades: { trade_id: number; price: string; size: string; time: string; side: string }[] = [];
  add(count: number): void {
    for (let i = 0; i < count; i++) {
      const id = this.trades.length + 1;
      this.trades.push({
        trade_id: id,
        price: (43_000 + id).toFixed(2),
        size: `0.${String(id).padStart(8, '0')}`,
        time: new Date(T0 + id * 1000).toISOString().replace('.000Z', '.578544Z'), // Coinbase sends microseconds
        side: id % 2 === 0 ? 'buy' : 'sell',
      });
    }
  }
  match(id: number, type = 'match'): string {
    const t = this.trades[id - 1]!;
    return JSON.stringify({
      type,
      product_id: 'BTC-USD',
      sequence: 1000 + id,
      maker_order_id: 'm',
      taker_order_id: 't',
      ...t,
    });
  }
}

/** Serves `/products/BTC-USD/trades` newest first, `pageSize` a page, paginated by `after` (older). */
function serveTrades(fake: FakeExchange, ledger: Ledger, pageSize: number): void {
  fake.onRest = (url, res) => {
    if (url.pathname !== '/products/BTC-USD/trades') {
      sendJson(res, 404, { message: 'NotFound' });
      return;
    }
    const after = url.searchParams.get('after');
    const older = ledger.trades.filter((t) => after === null || t.trade_id < Number(after)).reverse();
    const page = older.slice(0, pageSize);
    const headers: Record<string, string> =
      page.length > 0
        ? { 'cb-before': String(page[0]!.trade_id), 'cb-after': String(page.at(-1)!.trade_id) }
        : {};
    sendJson(res, 200, page, headers);
  };
}

const setup = streamFixture((fake, overrides: Partial<CoinbaseOptions>) =>
  createCoinbaseSource({
    ...quickStreamOptions(fake),
    symbols: ['BTC'],
    clock: () => T0 + 999_000,
    ...overrides,
  }),
);

const onSubscribe = (ws: WebSocket, then: () => void): void => {
  ws.once('message', () => {
    ws.send(
      JSON.stringify({ type: 'subscriptions', channels: [{ name: 'matches', product_ids: ['BTC-USD'] }] }),
    );
    then();
  });
};

describe('Coinbase source', () => {
  test('subscribes to matches and turns match and last_match messages into ticks', async () => {
    const { fake, source, out } = await setup();
    const ledger = new Ledger();
    ledger.add(3);
    fake.onConnection = (ws) => {
      onSubscribe(ws, () => {
        [ledger.match(1, 'last_match'), ledger.match(2), ledger.match(3)].forEach((m) => {
          ws.send(m);
        });
      });
    };
    await source.start(out.sink);
    await until(() => out.ticks.length >= 3, 'three trades');
    assert.deepEqual(JSON.parse(fake.received[0]![0]!), {
      type: 'subscribe',
      product_ids: ['BTC-USD'],
      channels: ['matches'],
    });
    assert.deepEqual(out.ticks[1], {
      symbol: 'BTC',
      price: 43_002,
      ts: T0 + 2000 + 578,
      receivedAt: T0 + 999_000,
      source: 'coinbase',
      volume: 0.00000002,
      seq: '2',
      change24h: null,
      volume24h: null,
    });
    assert.equal(source.status().state, 'ok');
    assert.equal(source.status().lastSuccessAt, T0 + 999_000);
  });

  test('after the server drops the connection it reconnects and back-fills the gap over REST, paginating, with no duplicate', async () => {
    const { fake, source, out } = await setup();
    const ledger = new Ledger();
    ledger.add(3);
    fake.onConnection = (ws, index) => {
      if (index === 0) {
        onSubscribe(ws, () => {
          for (const id of [1, 2, 3]) ws.send(ledger.match(id, id === 1 ? 'last_match' : 'match'));
          setTimeout(() => {
            ledger.add(3); // trades 4-6 happen while the client is away
            ws.terminate();
          }, 30);
        });
        return;
      }
      onSubscribe(ws, () => {
        ledger.add(2);
        for (const id of [6, 7, 8]) ws.send(ledger.match(id, id === 6 ? 'last_match' : 'match'));
      });
    };
    serveTrades(fake, ledger, 2);
    await source.start(out.sink);
    await until(() => out.ticks.length >= 8, 'eight trades');
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.deepEqual(
      out.ticks.map((t) => t.seq),
      ['1', '2', '3', '4', '5', '6', '7', '8'],
    );
    assert.equal(fake.connections.length, 2);
    assert.deepEqual(
      fake.restRequests.map((u) => `${u.pathname}?${u.searchParams.toString()}`),
      [
        '/products/BTC-USD/trades?limit=1000',
        '/products/BTC-USD/trades?limit=1000&after=7',
        '/products/BTC-USD/trades?limit=1000&after=5',
      ],
    );
    assert.equal(source.status().gaps, 0);
  });

  test('a silent connection is dropped by the watchdog and opened again', async () => {
    const { fake, source, out } = await setup({ silenceMs: 150 });
    const ledger = new Ledger();
    ledger.add(1);
    fake.onConnection = (ws, index) => {
      onSubscribe(ws, () => {
        if (index === 0) ws.send(ledger.match(1, 'last_match'));
      });
    };
    serveTrades(fake, ledger, 1000);
    const began = Date.now();
    await source.start(out.sink);
    await until(() => fake.connections.length >= 2, 'a second connection', 2000);
    const waited = Date.now() - began;
    assert.ok(waited >= 150, `reconnected after ${waited} ms, not before the silence limit`);
    await until(() => fake.restRequests.length >= 1, 'a back-fill request');
    assert.deepEqual(
      out.ticks.map((t) => t.seq),
      ['1'],
    );
  });

  test('an error message is a configuration error; malformed matches are rejected and counted', async () => {
    const { fake, source, out } = await setup();
    fake.onConnection = (ws, index) =>
      ws.once('message', () => {
        if (index > 0) return;
        ws.send(
          JSON.stringify({
            type: 'match',
            trade_id: 1,
            product_id: 'BTC-USD',
            price: 'abc',
            size: '1',
            time: new Date(T0).toISOString(),
          }),
        );
        ws.send('not json');
        ws.send(
          JSON.stringify({ type: 'error', message: 'Failed to subscribe', reason: 'BTC-USD is delisted' }),
        );
        ws.close();
      });
    await source.start(out.sink);
    await until(() => source.status().state === 'down', 'the source to be down');
    const status = source.status();
    assert.equal(status.rejected, 2);
    assert.match(
      status.lastError ?? '',
      /Coinbase refused the subscription: Failed to subscribe: BTC-USD is delisted/,
    );
    assert.equal(out.ticks.length, 0);
  });
});
