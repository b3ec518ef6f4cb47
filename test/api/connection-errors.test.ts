import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { type Api, type ErrorJson, startApi } from './harness.js';
import { rawRequest } from './raw-http.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const CASES: readonly {
  readonly what: string;
  readonly request: string;
  readonly status: number;
  readonly code: string;
  readonly message: RegExp;
}[] = [
  {
    what: 'a malformed request line',
    request: 'GARBAGE\r\n\r\n',
    status: 400,
    code: 'TF_BAD_REQUEST',
    message: /malformed HTTP method/,
  },
  {
    what: 'an unknown method',
    request: 'BREW /health HTTP/1.1\r\nHost: x\r\n\r\n',
    status: 400,
    code: 'TF_BAD_REQUEST',
    message: /unknown or malformed HTTP method/,
  },
  {
    what: 'a bad HTTP version',
    request: 'GET /health HTTP/9.9\r\nHost: x\r\n\r\n',
    status: 400,
    code: 'TF_BAD_REQUEST',
    message: /^malformed HTTP request: invalid HTTP version$/,
  },
  {
    what: 'a malformed header',
    request: 'GET /health HTTP/1.1\r\nHo st: x\r\n\r\n',
    status: 400,
    code: 'TF_BAD_REQUEST',
    message: /^malformed HTTP request: invalid header token$/,
  },
  {
    what: 'headers over the size limit',
    request: `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    status: 431,
    code: 'TF_HEADERS_TOO_LARGE',
    message: /exceed 16384 bytes/,
  },
  {
    what: 'an HTTP/1.1 request without Host',
    request: 'GET /health HTTP/1.1\r\n\r\n',
    status: 400,
    code: 'TF_BAD_REQUEST',
    message: /must carry a Host header/,
  },
  {
    what: 'CONNECT',
    request: 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n',
    status: 405,
    code: 'TF_METHOD_NOT_ALLOWED',
    message: /CONNECT is not supported/,
  },
];

describe('requests the HTTP layer refuses before any route', () => {
  let api: Api;
  let port: number;
  before(async () => {
    api = await startApi();
    await api.app.listen({ host: '127.0.0.1', port: 0 });
    port = (api.app.server.address() as AddressInfo).port;
  });
  after(() => api.close());

  for (const { what, request, status, code, message } of CASES) {
    test(`${what}: ${status} ${code} in the documented error body, then the connection closes`, async () => {
      const res = await rawRequest(port, request, { waitForCloseMs: 1_000 });
      assert.equal(res.status, status);
      const body = JSON.parse(res.body) as ErrorJson;
      assert.deepEqual(Object.keys(body), ['error']);
      assert.deepEqual(Object.keys(body.error), ['code', 'message', 'statusCode']);
      assert.equal(body.error.code, code);
      assert.equal(body.error.statusCode, status);
      assert.match(body.error.message, message);
      assert.match(res.headers['content-type'] ?? '', /^application\/json/);
      assert.match(res.headers['x-request-id'] ?? '', UUID);
      assert.equal(res.headers.connection, 'close');
      assert.ok(res.serverClosed, 'the server closes the connection');
    });
  }

  test('the server keeps serving afterwards', async () => {
    const res = await rawRequest(port, 'GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.equal(res.status, 200);
  });
});
