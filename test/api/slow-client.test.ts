import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { createConnection } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { type Api, startApi } from './harness.js';

describe('a client that sends its headers a byte at a time (slowloris)', () => {
  let api: Api;
  let port: number;
  before(async () => {
    api = await startApi({ options: { headersTimeoutMs: 1_000 } });
    await api.app.listen({ host: '127.0.0.1', port: 0 });
    port = (api.app.server.address() as AddressInfo).port;
  });
  after(() => api.close());

  test('is cut off once the headers timeout passes, while a normal request is still answered', async () => {
    const socket = createConnection({ host: '127.0.0.1', port });
    await new Promise((resolve) => socket.once('connect', resolve));
    const started = Date.now();
    const request = 'GET /api/v1/symbols HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ' + 'a'.repeat(200);
    let sent = 0;
    const drip = setInterval(() => {
      if (!socket.destroyed && sent < request.length) socket.write(request[sent++]!);
    }, 50);
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d.toString('utf8')));
    await new Promise((resolve) => socket.once('close', resolve));
    clearInterval(drip);
    const took = Date.now() - started;
    assert.ok(took >= 900 && took < 4_000, `closed after ${took} ms`);
    assert.ok(sent < request.length, 'before it finished its headers');
    assert.match(answer, /^HTTP\/1\.1 408|^$/, 'with 408 Request Timeout or nothing');
    const normal = await fetch(`http://127.0.0.1:${port}/api/v1/symbols`);
    assert.equal(normal.status, 200);
  });
});
