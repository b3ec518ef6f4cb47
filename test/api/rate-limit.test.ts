import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Api, type ErrorJson, startApi } from './harness.js';

describe('the rate limit', () => {
  let api: Api;
  let off: Api;
  before(async () => {
    api = await startApi({ flags: { 'rate-limit': '5' } });
    off = await startApi({ flags: { 'rate-limit': '0' } });
  });
  after(async () => {
    await api.close();
    await off.close();
  });

  test('an address over its requests a minute gets 429 with Retry-After and the usual error body', async () => {
    const from = (ip: string) => api.app.inject({ url: '/api/v1/symbols', remoteAddress: ip });
    for (let i = 0; i < 5; i++) {
      const res = await from('10.0.0.1');
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['x-ratelimit-limit'], '5');
      assert.equal(res.headers['x-ratelimit-remaining'], String(4 - i));
    }
    const refused = await from('10.0.0.1');
    assert.equal(refused.statusCode, 429);
    assert.match(String(refused.headers['retry-after']), /^\d+$/);
    assert.ok(Number(refused.headers['retry-after']) <= 60);
    const { error } = refused.json<ErrorJson>();
    assert.equal(error.code, 'TF_RATE_LIMITED');
    assert.equal(error.statusCode, 429);
    assert.match(error.message, /more than 5 requests a minute/);
    assert.equal((await from('10.0.0.2')).statusCode, 200, 'another address has its own count');
  });

  test('0 turns it off', async () => {
    for (let i = 0; i < 20; i++) {
      const res = await off.app.inject({ url: '/api/v1/symbols' });
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['x-ratelimit-limit'], undefined);
    }
  });
});
