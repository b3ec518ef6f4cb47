import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { type AddressInfo, createConnection } from 'node:net';
import { buildApp } from '../../src/api/app.js';
import type { HealthReport } from '../../src/domain/health.js';
import { loadConfig } from '../../src/config/load-config.js';
import { type Api, type ErrorJson, startApi } from './harness.js';
import { within } from './ws-client.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Sends raw HTTP/1.1 requests on one TCP connection; resolves with everything received until it closes. */
function rawConnection(port: number): { send(path: string): void; received: Promise<string> } {
  const socket = createConnection({ host: '127.0.0.1', port });
  let text = '';
  socket.setEncoding('utf8').on('data', (d: string) => (text += d));
  const received = new Promise<string>((resolve, reject) => {
    socket
      .on('close', () => {
        resolve(text);
      })
      .on('error', reject);
  });
  return {
    send: (path) => socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n`),
    received,
  };
}

describe('API cross-cutting behaviour', () => {
  let api: Api;
  before(async () => {
    api = await startApi();
  });
  after(() => api.close());

  describe('X-Request-ID', () => {
    test('is generated when absent, unique per request', async () => {
      const a = await api.app.inject({ url: '/api/v1/symbols' });
      const b = await api.app.inject({ url: '/api/v1/symbols' });
      assert.match(String(a.headers['x-request-id']), UUID);
      assert.match(String(b.headers['x-request-id']), UUID);
      assert.notEqual(a.headers['x-request-id'], b.headers['x-request-id']);
    });

    test('reuses a well-formed incoming id, on success and on errors', async () => {
      for (const url of [
        '/api/v1/symbols',
        '/api/v1/latest/DOGE',
        '/api/v1/historical/BTC?limit=0',
        '/nope',
      ]) {
        const res = await api.app.inject({ url, headers: { 'x-request-id': 'trace-42.abc' } });
        assert.equal(res.headers['x-request-id'], 'trace-42.abc', url);
      }
    });

    test('replaces a malformed or oversized incoming id', async () => {
      for (const bad of ['has space', 'x'.repeat(129), 'semi;colon', '']) {
        const res = await api.app.inject({ url: '/api/v1/symbols', headers: { 'x-request-id': bad } });
        assert.match(String(res.headers['x-request-id']), UUID, JSON.stringify(bad));
      }
    });
  });

  describe('CORS (default allowlist http://localhost, http://127.0.0.1)', () => {
    test('an allowed origin on any port is echoed, with the exposed headers', async () => {
      for (const origin of ['http://localhost:5173', 'http://127.0.0.1', 'http://localhost:8000']) {
        const res = await api.app.inject({ url: '/api/v1/symbols', headers: { origin } });
        assert.equal(res.statusCode, 200);
        assert.equal(res.headers['access-control-allow-origin'], origin);
        assert.match(String(res.headers['access-control-expose-headers']), /X-Request-ID/);
      }
    });

    test('a refused origin gets no CORS headers (the browser blocks it)', async () => {
      for (const origin of [
        'http://evil.example',
        'https://localhost',
        'http://localhost.evil.example',
        'null',
      ]) {
        const res = await api.app.inject({ url: '/api/v1/symbols', headers: { origin } });
        assert.equal(res.headers['access-control-allow-origin'], undefined, origin);
      }
    });

    test('preflight: allowed gets the methods, refused gets nothing', async () => {
      const headers = { 'access-control-request-method': 'GET' };
      const ok = await api.app.inject({
        method: 'OPTIONS',
        url: '/api/v1/latest/BTC',
        headers: { ...headers, origin: 'http://localhost:3000' },
      });
      assert.equal(ok.statusCode, 204);
      assert.equal(ok.headers['access-control-allow-origin'], 'http://localhost:3000');
      assert.match(String(ok.headers['access-control-allow-methods']), /GET/);
      const refused = await api.app.inject({
        method: 'OPTIONS',
        url: '/api/v1/latest/BTC',
        headers: { ...headers, origin: 'http://evil.example' },
      });
      assert.equal(refused.headers['access-control-allow-origin'], undefined);
    });

    test('"*" allows every origin', async () => {
      const { settings } = loadConfig({ env: {}, flags: { 'cors-origins': '*' } });
      const app = await buildApp({ ...api.deps, settings });
      try {
        const res = await app.inject({ url: '/health', headers: { origin: 'https://anything.example:9' } });
        assert.equal(res.headers['access-control-allow-origin'], 'https://anything.example:9');
      } finally {
        await app.close();
      }
    });
  });

  describe('errors', () => {
    test('an unknown route or method is a 404 JSON error', async () => {
      for (const [method, url] of [
        ['GET', '/api/v1/nothing'],
        ['POST', '/api/v1/symbols'],
        ['GET', '/api/v1/latest/'],
      ] as const) {
        const res = await api.app.inject({ method, url });
        assert.equal(res.statusCode, 404, `${method} ${url}`);
        assert.deepEqual(res.json<ErrorJson>().error.code, 'TF_NOT_FOUND');
        assert.equal(res.json<ErrorJson>().error.statusCode, 404);
      }
    });

    test('an unexpected failure is a generic 500, and the server keeps serving', async () => {
      api.setHealth(() => Promise.resolve({ components: {} } as unknown as HealthReport));
      const res = await api.app.inject({ url: '/health' });
      assert.equal(res.statusCode, 500);
      assert.deepEqual(res.json(), {
        error: { code: 'TF_INTERNAL', message: 'internal server error', statusCode: 500 },
      });
      const next = await api.app.inject({ url: '/api/v1/symbols' });
      assert.equal(next.statusCode, 200);
    });

    test('a request that outlives the request timeout gets 503 TF_TIMEOUT, not a hang', async () => {
      const app = await buildApp({
        ...api.deps,
        health: () => new Promise(() => undefined),
        options: { requestTimeoutMs: 50, healthTimeoutMs: 10_000 },
      });
      try {
        const res = await app.inject({ url: '/health' });
        assert.equal(res.statusCode, 503);
        assert.equal(res.json<ErrorJson>().error.code, 'TF_TIMEOUT');
        assert.equal(res.headers['retry-after'], '5');
      } finally {
        await app.close();
      }
    });
  });

  describe('docs and pages', () => {
    test('GET /openapi.json documents the routes from their schemas', async () => {
      const res = await api.app.inject({ url: '/openapi.json' });
      assert.equal(res.statusCode, 200);
      const doc = res.json<{
        openapi: string;
        paths: Record<string, { get?: { parameters?: { name: string; schema: { enum?: string[] } }[] } }>;
      }>();
      assert.match(doc.openapi, /^3\./);
      for (const path of [
        '/api/v1/latest/{symbol}',
        '/api/v1/historical/{symbol}',
        '/api/v1/alerts/{symbol}',
        '/api/v1/symbols',
        '/health',
      ]) {
        assert.ok(doc.paths[path]?.get, path);
      }
      const interval = doc.paths['/api/v1/historical/{symbol}']?.get?.parameters?.find(
        (p) => p.name === 'interval',
      );
      assert.deepEqual(interval?.schema.enum, ['1m', '5m', '15m']);
    });

    test('GET /docs serves the docs UI', async () => {
      const res = await api.app.inject({ url: '/docs' });
      const page = res.statusCode === 302 ? await api.app.inject({ url: String(res.headers.location) }) : res;
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /swagger/i);
    });
  });

  test('a request arriving after close began gets 503 TF_SHUTTING_DOWN in the usual body', async () => {
    const app = await buildApp({
      ...api.deps,
      health: () =>
        new Promise((r) => {
          setTimeout(() => {
            r({ status: 'ok', components: {} });
          }, 150);
        }),
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const conn = rawConnection((app.server.address() as AddressInfo).port);
    conn.send('/health');
    await new Promise((r) => setTimeout(r, 30));
    const closing = app.close();
    await new Promise((r) => setTimeout(r, 30));
    conn.send('/api/v1/symbols');
    const text = await within(conn.received, 3_000, 'responses');
    await closing;
    const statuses = [...text.matchAll(/HTTP\/1\.1 (\d+)/g)].map((m) => m[1]);
    assert.deepEqual(statuses, ['200', '503'], 'the request in flight finishes; the late one is refused');
    assert.match(text, /"code":"TF_SHUTTING_DOWN"/);
    assert.match(text, /retry-after: 5/i);
  });
});
