import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Update } from '../../src/cache/cache.js';
import { type Api, startApi, until } from './harness.js';
import { candleOf, tickOf } from './updates.js';
import { type Client, connect } from './ws-client.js';

const CLIENTS = 50;
const IO = '/proc/self/io';

/** Write system calls this process (all its threads) has made: a socket's writev is one. */
const writeCalls = (): number => Number(/^syscw: (\d+)$/m.exec(readFileSync(IO, 'utf8'))?.[1]);

const round: Update[] = [tickOf('BTC', 42_000), ...['1m', '5m', '15m'].map((i) => candleOf('BTC', i, 1.5))];

describe('the websocket hub', () => {
  let api: Api;
  const clients: Client[] = [];
  before(async () => {
    api = await startApi();
    await api.app.listen({ host: '127.0.0.1', port: 0 });
    const url = `ws://127.0.0.1:${(api.app.server.address() as AddressInfo).port}/ws/prices/BTC`;
    for (let i = 0; i < CLIENTS; i++) clients.push(await connect(url));
    assert.ok(await until(() => api.app.wsHub.stats().connections === CLIENTS), 'every client connected');
  });
  after(async () => {
    for (const c of clients) c.ws.terminate();
    await api.close();
  });

  test(
    'sends the updates published together to each client in one write, in order',
    { skip: !existsSync(IO) && `no ${IO} to count writes with` },
    async () => {
      const before = writeCalls();
      for (const update of round) await api.cache.publish(update);
      assert.ok(
        await until(() => clients.every((c) => c.messages.length === round.length)),
        'every client got the round',
      );
      const writes = writeCalls() - before;
      for (const c of clients) assert.deepEqual(c.messages, round);
      // One write per client, and a little slack for the rest of the process (a message each would be 200).
      assert.ok(writes < CLIENTS * 1.5, `${writes} writes for ${CLIENTS} clients`);
    },
  );
});
