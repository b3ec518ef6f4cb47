import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildApp } from '../../src/api/app.js';
import type { HealthReport } from '../../src/domain/health.js';
import { report, SOURCE_DOWN, SOURCE_UP, STORE_DOWN, STORE_UP } from '../support/health-reports.js';
import { type Api, startApi } from './harness.js';

describe('GET /health', () => {
  let api: Api;
  before(async () => {
    api = await startApi({ options: { healthTimeoutMs: 50 } });
  });
  after(() => api.close());

  const health = async (fn: () => Promise<HealthReport>) => {
    api.setHealth(fn);
    return api.app.inject({ url: '/health' });
  };

  test('200 with the report when ok or degraded, per-component times included', async () => {
    for (const r of [
      report('ok', { store: STORE_UP, coingecko: SOURCE_UP }),
      report('degraded', { store: STORE_UP, coingecko: SOURCE_DOWN }),
    ]) {
      const res = await health(() => Promise.resolve(r));
      assert.equal(res.statusCode, 200);
      assert.deepEqual(res.json(), r);
      assert.equal(res.headers['retry-after'], undefined);
    }
  });

  test('503 with the report and Retry-After when a required component is down', async () => {
    for (const r of [
      report('down', { store: STORE_DOWN, coingecko: SOURCE_UP }),
      report('ok', { store: STORE_DOWN }),
    ]) {
      const res = await health(() => Promise.resolve(r));
      assert.equal(res.statusCode, 503);
      assert.equal(res.headers['retry-after'], '5');
      assert.deepEqual(res.json(), r);
    }
  });

  test('503 down when the health function fails', async () => {
    const res = await health(() => Promise.reject(new Error('pipeline gone')));
    assert.equal(res.statusCode, 503);
    const body = res.json<HealthReport>();
    assert.equal(body.status, 'down');
    assert.match(body.components['health']?.detail ?? '', /pipeline gone/);
  });

  test('503 down, quickly, when the health function never answers', async () => {
    const started = Date.now();
    const res = await health(() => new Promise(() => undefined));
    assert.equal(res.statusCode, 503);
    assert.match(res.json<HealthReport>().components['health']?.detail ?? '', /no answer within 50 ms/);
    assert.ok(Date.now() - started < 2_000);
  });

  test('reports whatever components the pipeline has (one app, many reports)', async () => {
    const app = await buildApp(api.deps);
    try {
      const r = report('ok', { log: STORE_UP, store: STORE_UP, cache: { status: 'up', required: false } });
      api.setHealth(() => Promise.resolve(r));
      assert.deepEqual((await app.inject({ url: '/health' })).json(), r);
    } finally {
      await app.close();
    }
  });
});
