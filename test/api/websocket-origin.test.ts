import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { type Api, startApi } from './harness.js';

/** What an upgrade with `origin` (none when undefined) gets: `open`, or the HTTP status and error code it was refused with. */
function attempt(url: string, origin: string | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, origin === undefined ? {} : { origin });
    ws.once('open', () => {
      ws.terminate();
      resolve('open');
    });
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => {
        ws.terminate();
        resolve(`${res.statusCode} ${(JSON.parse(body) as { error: { code: string } }).error.code}`);
      });
    });
    ws.once('error', (err) => {
      if (ws.readyState !== WebSocket.CLOSED) reject(err);
    });
  });
}

describe('the Origin of WebSocket upgrades', () => {
  let api: Api;
  let none: Api;
  let url: (a: Api) => string;

  before(async () => {
    api = await startApi({ flags: { 'cors-origins': 'http://localhost,https://app.example.com' } });
    none = await startApi({ flags: { 'cors-origins': 'none' } });
    for (const a of [api, none]) await a.app.listen({ host: '127.0.0.1', port: 0 });
    url = (a) => `ws://127.0.0.1:${(a.app.server.address() as AddressInfo).port}/ws/prices/BTC`;
  });
  after(async () => {
    await api.close();
    await none.close();
  });

  test('an origin in the CORS allowlist is let in, on any port where the entry names none', async () => {
    assert.equal(await attempt(url(api), 'http://localhost:5173'), 'open');
    assert.equal(await attempt(url(api), 'https://app.example.com'), 'open');
  });

  test('another origin, or one only looking like an allowed one, is refused with 403', async () => {
    for (const origin of [
      'http://evil.example',
      'https://app.example.com.evil.example',
      'http://localhost\\@evil.example',
      'http://evil.example@localhost',
      'null',
      'http://app.example.com',
    ]) {
      assert.equal(await attempt(url(api), origin), '403 TF_ORIGIN_FORBIDDEN', origin);
    }
  });

  test('the server’s own pages (same host and port) and clients without an Origin are let in', async () => {
    const port = (none.app.server.address() as AddressInfo).port;
    assert.equal(await attempt(url(none), `http://127.0.0.1:${port}`), 'open');
    assert.equal(await attempt(url(none), undefined), 'open');
    assert.equal(await attempt(url(none), `http://127.0.0.1:${port + 1}`), '403 TF_ORIGIN_FORBIDDEN');
    assert.equal(await attempt(url(none), 'http://localhost'), '403 TF_ORIGIN_FORBIDDEN');
  });
});
