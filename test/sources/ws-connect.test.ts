import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { WebSocketServer } from 'ws';
import { MAX_MESSAGE_BYTES, openWebSocket } from '../../src/sources/ws-connect.js';

describe('openWebSocket', () => {
  let server: WebSocketServer;
  let url: string;
  before(async () => {
    // Sends the size asked for in the path, then a small message, a moment after the handshake (as an
    // exchange answers a subscription).
    server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    server.on('connection', (socket, req) => {
      const size = Number((req.url ?? '/0').slice(1));
      setTimeout(() => {
        socket.send('x'.repeat(size));
        socket.send('small');
      }, 50);
    });
    await once(server, 'listening');
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  );

  const open = (path: string, maxPayload?: number) =>
    openWebSocket(
      `${url}${path}`,
      {
        label: 'Test',
        timeoutMs: 5_000,
        signal: new AbortController().signal,
        now: Date.now,
        ...(maxPayload === undefined ? {} : { maxPayload }),
      },
      (ws) => {
        const sizes: number[] = [];
        ws.on('message', (data: Buffer) => sizes.push(data.length));
        const errors: string[] = [];
        ws.on('error', (err) => errors.push(err.message));
        // Not events.once: it would reject on the 'error' that comes before the close.
        const closed = new Promise<[number]>((resolve) =>
          ws.once('close', (code) => {
            resolve([code]);
          }),
        );
        return { ws, sizes, errors, closed };
      },
    );

  test('takes messages up to the bound', async () => {
    const c = await open('/1000', 1000);
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(c.sizes, [1000, 5]);
    c.ws.close();
  });

  test('a message over the bound (default 1 MiB) closes the connection, unread', async () => {
    assert.equal(MAX_MESSAGE_BYTES, 1024 * 1024);
    const c = await open(`/${MAX_MESSAGE_BYTES + 1}`);
    await c.closed;
    assert.deepEqual(c.errors, ['Max payload size exceeded']);
    assert.deepEqual(c.sizes, [], 'neither it nor what came after it was delivered');
  });
});
