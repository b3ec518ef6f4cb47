import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { setImmediate as tick } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import { type Api, latest, startApi, until } from './harness.js';
import { alertOf, candleOf, tickOf } from './updates.js';
import { type Client, connect, within } from './ws-client.js';

const HIGH_WATER_MARK = 16 * 1024;

async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  return `ws://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

describe('WS /ws/prices/{symbol}', () => {
  let api: Api;
  let base: string;
  const open: Client[] = [];
  const client = async (symbol: string): Promise<Client> => {
    const c = await connect(`${base}/ws/prices/${symbol}`);
    open.push(c);
    return c;
  };
  /** Waits until the hub serves `n` clients and each has had its initial snapshot sent. */
  const connected = async (n: number) => {
    assert.ok(await until(() => api.app.wsHub.stats().connections === n), `${n} connections`);
    await new Promise((r) => setTimeout(r, 10));
  };

  before(async () => {
    api = await startApi({
      flags: { symbols: 'BTC,ETH,SOL,ADA,XRP,DOT' },
      options: { wsHub: { highWaterMark: HIGH_WATER_MARK } },
    });
    base = await listen(api.app);
  });
  after(async () => {
    for (const c of open) c.ws.terminate();
    await api.close();
  });

  test('sends the latest price on connect, then ticks, candles and alerts of its symbol only, as text frames', async () => {
    await api.cache.setLatest(latest('BTC', 42_000), 45_000);
    const btc = await client('btc');
    const eth = await client('ETH');
    await connected(2);
    const sent = [tickOf('BTC', 42_001), candleOf('BTC', '1m', 42_001), alertOf('BTC')];
    await api.cache.publish(tickOf('ETH', 2_000));
    for (const u of sent) await api.cache.publish(u);
    assert.ok(await until(() => btc.messages.length === 4 && eth.messages.length === 1));
    assert.deepEqual(btc.messages, [tickOf('BTC', 42_000), ...sent]);
    assert.deepEqual(eth.messages, [tickOf('ETH', 2_000)]);
    assert.equal(btc.binaryFrames() + eth.binaryFrames(), 0, 'a browser reads only text frames as JSON');
    assert.equal(api.cache.subscribers, 1, 'one cache subscription serves every client');
    btc.ws.close();
    eth.ws.close();
    await Promise.all([btc.closed, eth.closed]);
    assert.ok(await until(() => api.app.wsHub.stats().connections === 0), 'closed clients are forgotten');
  });

  test('a client with no cached price gets only live updates', async () => {
    const ada = await client('ADA');
    await connected(1);
    await api.cache.publish(candleOf('ADA', '5m', 0.4, true));
    assert.ok(await until(() => ada.messages.length === 1));
    assert.deepEqual(ada.messages, [candleOf('ADA', '5m', 0.4, true)]);
    ada.ws.close();
    await ada.closed;
  });

  test('an unknown or malformed symbol is closed with 4404 and a reason', async () => {
    for (const symbol of ['DOGE', 'bad$sym', 'x'.repeat(40)]) {
      const c = await client(symbol);
      const { code, reason } = await within(c.closed, 2_000, symbol);
      assert.equal(code, 4404, symbol);
      assert.match(reason, /unknown symbol/);
    }
  });

  test('small inbound messages are ignored; an oversized one closes with 1009; the server survives', async () => {
    const sol = await client('SOL');
    await connected(1);
    sol.ws.send('hello');
    sol.ws.send(Buffer.from([0, 1, 2, 3]));
    await api.cache.publish(tickOf('SOL', 150));
    assert.ok(await until(() => sol.messages.length === 1), 'still served after small messages');
    sol.ws.send('x'.repeat(5_000));
    assert.equal((await within(sol.closed, 2_000, 'oversized')).code, 1009);

    const garbage = await client('SOL');
    await connected(1);
    (garbage.ws as unknown as { _socket: { write(b: Buffer): void } })._socket.write(
      Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
    );
    await within(garbage.closed, 2_000, 'garbage frame');

    const again = await client('SOL');
    await connected(1);
    await api.cache.publish(tickOf('SOL', 151));
    assert.ok(await until(() => again.messages.some((m) => m.type === 'tick' && m.price === 151)));
    assert.equal((await api.app.inject({ url: '/api/v1/symbols' })).statusCode, 200);
    again.ws.close();
    await again.closed;
  });

  test('a paused client is conflated with a bounded queue while a fast client gets everything', async () => {
    const slow = await client('XRP');
    const fast = await client('XRP');
    await connected(2);
    slow.pause();
    const source = 's'.repeat(2_000);
    const hub = api.app.wsHub;
    const conflatedBefore = hub.stats().conflated;
    let published = 0;
    let maxPending = 0;
    const publishBatch = async () => {
      for (let i = 0; i < 50; i++) {
        published++;
        await api.cache.publish(tickOf('XRP', published, source));
        if (published % 10 === 0) await api.cache.publish(candleOf('XRP', '1m', published));
      }
      maxPending = Math.max(maxPending, hub.stats().maxPending);
      await tick();
    };
    while (hub.stats().conflated - conflatedBefore < 200 && published < 40_000) await publishBatch();
    for (let i = 0; i < 20; i++) await publishBatch();
    assert.ok(hub.stats().conflated - conflatedBefore >= 200, `conflation began (after ${published} ticks)`);
    assert.ok(maxPending <= 2, `the slow client's queue stays bounded (max ${maxPending})`);

    const ticks = (c: Client) => c.messages.flatMap((m) => (m.type === 'tick' ? [m.price] : []));
    assert.ok(await until(() => ticks(fast).length === published, 15_000), 'the fast client gets every tick');
    assert.deepEqual(
      ticks(fast),
      Array.from({ length: published }, (_, i) => i + 1),
    );

    slow.resume();
    assert.ok(
      await until(() => ticks(slow).at(-1) === published, 15_000),
      'the slow client ends on the newest',
    );
    const slowTicks = ticks(slow);
    assert.ok(slowTicks.length < published, `conflated: ${slowTicks.length} of ${published}`);
    assert.ok(
      slowTicks.every((p, i) => i === 0 || p > slowTicks[i - 1]!),
      'in order, no repeats',
    );
    const lastCandle = slow.messages.filter((m) => m.type === 'candle').at(-1);
    assert.equal(
      lastCandle?.type === 'candle' ? lastCandle.close : undefined,
      Math.floor(published / 10) * 10,
    );
    slow.ws.close();
    fast.ws.close();
    await Promise.all([slow.closed, fast.closed]);
  });

  test('app close closes every client with 1001, cuts off one that does not answer, and unsubscribes', async () => {
    const app = await buildApp({ ...api.deps, options: { wsHub: { closeGraceMs: 200 } } });
    const url = await listen(app);
    const a = await connect(`${url}/ws/prices/DOT`);
    const b = await connect(`${url}/ws/prices/DOT`);
    assert.ok(await until(() => app.wsHub.stats().connections === 2));
    assert.equal(api.cache.subscribers, 2, 'one subscription per API instance');
    b.pause();
    const started = Date.now();
    await within(app.close(), 5_000, 'app close');
    assert.ok(Date.now() - started < 3_000, 'close does not wait for the paused client');
    assert.equal((await within(a.closed, 2_000, 'a closed')).code, 1001);
    b.resume();
    await within(b.closed, 2_000, 'b closed');
    assert.equal(api.cache.subscribers, 1);
  });

  test('store down (runs last): a symbol only the store could confirm is closed with 1013; configured ones serve', async () => {
    await api.store.close();
    const unsure = await client('DOGE');
    const { code, reason } = await within(unsure.closed, 2_000, 'DOGE');
    assert.equal(code, 1013);
    assert.match(reason, /try again later/);
    const btc = await client('BTC');
    await connected(1);
    await api.cache.publish(tickOf('BTC', 43_000));
    assert.ok(await until(() => btc.messages.some((m) => m.type === 'tick' && m.price === 43_000)));
    btc.ws.close();
    await btc.closed;
  });
});
