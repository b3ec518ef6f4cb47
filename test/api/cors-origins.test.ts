import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { originMatcher } from '../../src/api/cors-origins.js';

describe('originMatcher', () => {
  test('an entry without a port allows any port on its scheme and host', () => {
    const allowed = originMatcher(['http://localhost']);
    assert.equal(allowed('http://localhost'), true);
    assert.equal(allowed('http://localhost:5173'), true);
    assert.equal(allowed('https://localhost'), false);
    assert.equal(allowed('http://localhost.example'), false);
    assert.equal(allowed('http://127.0.0.1'), false);
  });

  test('an entry with a port allows that port only, default ports included', () => {
    const allowed = originMatcher(['https://app.example.com:8443', 'http://localhost:80']);
    assert.equal(allowed('https://app.example.com:8443'), true);
    assert.equal(allowed('https://app.example.com'), false);
    assert.equal(allowed('https://app.example.com:443'), false);
    assert.equal(allowed('http://localhost'), true, 'port 80 is the default of http');
    assert.equal(allowed('http://localhost:8080'), false);
  });

  test('hosts compare case-insensitively; IPv6 literals work', () => {
    const allowed = originMatcher(['http://LocalHost', 'http://[::1]:3000']);
    assert.equal(allowed('http://localhost:1'), true);
    assert.equal(allowed('http://[::1]:3000'), true);
    assert.equal(allowed('http://[::1]:3001'), false);
  });

  test('"*" allows everything; garbage origins are refused', () => {
    assert.equal(originMatcher(['*'])('https://x.example'), true);
    const allowed = originMatcher(['http://localhost']);
    for (const origin of ['null', '', 'localhost', 'http//localhost', 'javascript:alert(1)']) {
      assert.equal(allowed(origin), false, origin);
    }
  });
});

describe('originMatcher matches exactly', () => {
  const allowed = originMatcher(['http://localhost', 'http://127.0.0.1', 'https://app.example.com:8443']);

  test('look-alikes that URL parsing would read as an allowed origin are refused', () => {
    for (const origin of [
      'http://localhost\\@evil.com',
      'http://localhost:5173\\@evil.com',
      'https://app.example.com:8443\\@evil.com',
      'http://evil.com@localhost',
      'http://localhost.evil.com',
      'http://localhost.',
      'http:localhost',
      'http:/localhost',
      'http:\\\\localhost',
      ' http://localhost',
      'http://localhost\t',
      'http://localhost/',
      'http://localhost/path',
      'http://localhost?x',
      'http://localhost#x',
      'http://localhost:0080',
      'http://%6cocalhost',
      'http://0x7f.1',
      'http://2130706433',
    ]) {
      assert.equal(allowed(origin), false, JSON.stringify(origin));
    }
  });

  test('an entry without a port still allows any port of exactly its scheme and host', () => {
    for (const origin of ['http://localhost', 'http://localhost:5173', 'http://127.0.0.1:8000']) {
      assert.equal(allowed(origin), true, origin);
    }
    assert.equal(allowed('https://app.example.com:8443'), true);
    assert.equal(allowed('https://localhost:5173'), false);
  });
});
