import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadDashboardAssets } from '../../src/api/dashboard-assets.js';
import { type Api, startApi } from './harness.js';

describe('the dashboard routes', () => {
  let dir: string;
  let api: Api;
  let bare: Api;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tickflow-dashboard-'));
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>dash</title>');
    await writeFile(join(dir, 'app.js'), 'console.log(1);');
    await writeFile(join(dir, 'secret.env'), 'TOKEN=1');
    const dashboard = await loadDashboardAssets(dir);
    assert.ok(dashboard !== null);
    api = await startApi({ dashboard });
    bare = await startApi();
  });

  after(async () => {
    await api.close();
    await bare.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('GET / serves the page with a CSP that allows only its own origin', async () => {
    const res = await api.app.inject({ url: '/' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.body, '<!doctype html><title>dash</title>');
    assert.match(String(res.headers['content-type']), /^text\/html; charset=utf-8/);
    const csp = String(res.headers['content-security-policy']);
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /connect-src 'self'/);
    assert.doesNotMatch(csp, /unsafe|https?:|\*/);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
  });

  test('serves the bundle’s files by name, with their type, and 304 for a known ETag', async () => {
    const res = await api.app.inject({ url: '/app.js' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.body, 'console.log(1);');
    assert.match(String(res.headers['content-type']), /^text\/javascript/);
    const etag = String(res.headers.etag);
    const again = await api.app.inject({ url: '/app.js', headers: { 'if-none-match': etag } });
    assert.equal(again.statusCode, 304);
    assert.equal(again.body, '');
  });

  test('serves nothing else: unknown types, other paths and traversal attempts get 404', async () => {
    for (const url of [
      '/secret.env',
      '/index.html/../secret.env',
      '/..%2fpackage.json',
      '/%2e%2e/package.json',
    ]) {
      const res = await api.app.inject({ url });
      assert.equal(res.statusCode, 404, url);
      assert.doesNotMatch(res.body, /TOKEN/);
    }
  });

  test('every answer carries the security headers (helmet), the API’s JSON and the page alike', async () => {
    for (const url of ['/', '/api/v1/symbols', '/app.js']) {
      const res = await api.app.inject({ url });
      assert.equal(res.headers['x-content-type-options'], 'nosniff', url);
      assert.equal(res.headers['x-frame-options'], 'SAMEORIGIN', url);
      assert.equal(res.headers['referrer-policy'], 'no-referrer', url);
      assert.match(String(res.headers['strict-transport-security']), /max-age=\d+/, url);
      assert.equal(res.headers['x-powered-by'], undefined, url);
    }
    const docs = await api.app.inject({ url: '/docs/' });
    assert.ok(docs.statusCode === 200 || docs.statusCode === 302, 'the docs UI still loads');
  });

  test('without a built dashboard, / answers 503 saying how to build it', async () => {
    const res = await bare.app.inject({ url: '/' });
    assert.equal(res.statusCode, 503);
    assert.match(res.body, /npm run build/);
  });

  test('loadDashboardAssets gives null for a folder without a page', async () => {
    assert.equal(await loadDashboardAssets(join(dir, 'missing')), null);
    const empty = await mkdtemp(join(tmpdir(), 'tickflow-dashboard-empty-'));
    try {
      await writeFile(join(empty, 'app.js'), '');
      assert.equal(await loadDashboardAssets(empty), null);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
