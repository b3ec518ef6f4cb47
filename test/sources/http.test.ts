import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { getJson, MAX_RESPONSE_BYTES } from '../../src/sources/http.js';
import { SourceError } from '../../src/sources/source-error.js';
import { closeServer, listenOnLoopback, streamJsonArray } from '../support/loopback-server.js';

describe('getJson', () => {
  let server: Server;
  let base: string;
  before(async () => {
    // `/json/N` answers a JSON array of N bytes with its Content-Length, `/chunked/N` the same without
    // one, `/fail/N` a 500 with an N-byte body; written as the client reads, stopping when it goes.
    // `/cut` answers a snapshot cut off in the middle.
    server = createServer((req, res) => {
      const [, kind, size] = (req.url ?? '').split('/');
      if (kind === 'cut') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"bitcoin":{"usd":43000.5,"last_upd');
        return;
      }
      streamJsonArray(res, kind === 'fail' ? 500 : 200, Number(size), kind === 'json');
    });
    base = `http://127.0.0.1:${await listenOnLoopback(server)}`;
  });
  after(() => closeServer(server));

  const get = (path: string, maxBytes?: number) =>
    getJson(`${base}${path}`, {
      label: 'Test',
      source: 'test',
      timeoutMs: 10_000,
      signal: new AbortController().signal,
      now: Date.now,
      ...(maxBytes === undefined ? {} : { maxBytes }),
    });

  test('reads a body up to the bound', async () => {
    const r = await get('/json/1001', 1001);
    assert.equal((r.body as unknown[]).length, 500);
    const c = await get('/chunked/200001', 200_001);
    assert.equal((c.body as unknown[]).length, 100_000);
  });

  test('refuses a body over the bound, by its Content-Length or as it streams, with a payload error', async () => {
    for (const path of ['/json/1003', '/chunked/300001']) {
      await assert.rejects(get(path, path.startsWith('/json') ? 1001 : 200_001), (err: unknown) => {
        assert.ok(err instanceof SourceError);
        assert.equal(err.code, 'TF_SOURCE_PAYLOAD');
        assert.equal(err.retriable, false);
        assert.match(err.message, /with a body over \d+ bytes; it was not read/);
        return true;
      });
    }
  });

  test('a 100 MB answer is refused at the default bound without being read whole', async () => {
    assert.equal(MAX_RESPONSE_BYTES, 4 * 1024 * 1024);
    const rss = process.memoryUsage().rss;
    await assert.rejects(get('/chunked/100000001'), /with a body over 4194304 bytes/);
    assert.ok(process.memoryUsage().rss - rss < 64 * 1024 * 1024, 'memory does not grow by the body');
  });

  test('a 100 MB answer that declares its size is refused at the default bound', async () => {
    await assert.rejects(get('/json/100000001'), (err: unknown) => {
      assert.ok(err instanceof SourceError);
      assert.equal(err.code, 'TF_SOURCE_PAYLOAD');
      assert.match(err.message, /with a body over 4194304 bytes; it was not read/);
      return true;
    });
  });

  test('a truncated answer is a payload error, not retried', async () => {
    await assert.rejects(get('/cut'), (err: unknown) => {
      assert.ok(err instanceof SourceError);
      assert.equal(err.code, 'TF_SOURCE_PAYLOAD');
      assert.equal(err.retriable, false);
      assert.match(err.message, /^Test answered GET http:\/\/127\.0\.0\.1:\d+\/cut with invalid JSON$/);
      return true;
    });
  });

  test('the message of an error status quotes only the start of a huge body', async () => {
    await assert.rejects(get('/fail/10000000'), (err: unknown) => {
      assert.ok(err instanceof SourceError);
      assert.equal(err.retriable, true);
      assert.ok(err.message.length < 500, err.message.slice(0, 100));
      return true;
    });
  });
});
