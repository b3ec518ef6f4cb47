import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import type { AddressInfo, Socket } from 'node:net';
import { type Api, type ErrorJson, startApi, until } from './harness.js';
import { rawRequest, upgradeRequest } from './raw-http.js';
import { within } from './ws-client.js';

const openDescriptors = (): number => readdirSync('/proc/self/fd').length;

/** Upgrades that must be answered in HTTP and closed: each path of refusal once. */
const REFUSED: readonly { readonly what: string; readonly request: string; readonly status: number }[] = [
  { what: 'undecodable %ZZ', request: upgradeRequest('GET', '/ws/prices/%ZZ'), status: 400 },
  { what: 'invalid UTF-8 %FF%FE', request: upgradeRequest('GET', '/ws/prices/%FF%FE'), status: 400 },
  { what: 'a lone %', request: upgradeRequest('GET', '/ws/prices/%'), status: 400 },
  {
    what: 'an over-long symbol',
    request: upgradeRequest('GET', `/ws/prices/${'x'.repeat(600)}`),
    status: 414,
  },
  { what: 'an unknown route', request: upgradeRequest('GET', '/ws/nope'), status: 404 },
  { what: 'a non-GET method', request: upgradeRequest('POST', '/ws/prices/BTC'), status: 404 },
  {
    what: 'a CORS preflight answered by a hook',
    request: upgradeRequest(
      'OPTIONS',
      '/ws/prices/BTC',
      'Origin: http://localhost\r\nAccess-Control-Request-Method: GET\r\n',
    ),
    status: 204,
  },
];

describe('rejected WebSocket upgrades', () => {
  let api: Api;
  let port: number;
  const serverSockets = new Set<Socket>();

  before(async () => {
    api = await startApi();
    api.app.server.on('connection', (socket: Socket) => {
      serverSockets.add(socket);
      socket.once('close', () => serverSockets.delete(socket));
    });
    await api.app.listen({ host: '127.0.0.1', port: 0 });
    port = (api.app.server.address() as AddressInfo).port;
  });
  after(async () => {
    for (const socket of serverSockets) socket.destroy();
    await api.close();
  });

  test('each is answered in the JSON error format with Connection: close, then the server closes', async () => {
    for (const { what, request, status } of REFUSED) {
      const res = await rawRequest(port, request, { waitForCloseMs: 1_000 });
      assert.equal(res.status, status, what);
      assert.equal(res.headers.connection, 'close', what);
      assert.ok(res.headers['x-request-id'], `${what}: X-Request-ID`);
      assert.ok(res.serverClosed, `${what}: the server must close the connection`);
      if (status === 204) continue;
      const body = JSON.parse(res.body) as ErrorJson;
      assert.equal(body.error.statusCode, status, what);
      assert.match(body.error.code, /^TF_/, what);
    }
  });

  test('1,000 of them leave no descriptor open, and close() completes promptly', async () => {
    const baseline = openDescriptors();
    const CONCURRENCY = 50;
    for (let i = 0; i < 1_000; i += CONCURRENCY) {
      await Promise.all(
        Array.from({ length: CONCURRENCY }, (_, j) => {
          const { request, status } = REFUSED[(i + j) % REFUSED.length]!;
          return rawRequest(port, request).then((res) => {
            assert.equal(res.status, status);
          });
        }),
      );
    }
    const settled = await until(() => openDescriptors() <= baseline + 5, 3_000);
    assert.ok(settled, `${openDescriptors() - baseline} descriptors more than before the 1,000 upgrades`);
    assert.equal(serverSockets.size, 0, 'no server-side socket is left open');
    await within(api.app.close(), 2_000, 'app.close()');
  });
});
