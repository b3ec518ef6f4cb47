import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  REDIS_DEFAULTS,
  connectionOptions,
  reconnectDelay,
  redisSettings,
} from '../../src/cache/redis-options.js';
import { silentLogger } from '../../src/logger.js';

const logger = silentLogger();

test('redisSettings fills in the defaults and describes the server', () => {
  assert.deepEqual(redisSettings({ url: 'redis://:pw@cache:6380/1', logger }), {
    url: 'redis://:pw@cache:6380/1',
    server: 'cache:6380/1',
    commandTimeoutMs: 1_000,
    connectTimeoutMs: 2_000,
  });
});

test('redisSettings refuses timeouts that are not positive integers of ms', () => {
  for (const bad of [0, -1, 2.5, Number.NaN, 2 ** 31]) {
    assert.throws(() => redisSettings({ url: 'redis://cache', logger, commandTimeoutMs: bad }), {
      code: 'TF_CONFIG_INVALID',
      message: /Redis command timeout \(ms\): must be an integer from 1/,
    });
    assert.throws(() => redisSettings({ url: 'redis://cache', logger, connectTimeoutMs: bad }), {
      message: /Redis connect timeout \(ms\)/,
    });
  }
});

test('reconnection never gives up, and never waits more than the cap', () => {
  for (const attempt of [1, 2, 5, 20, 1_000, 1e9]) {
    for (let i = 0; i < 50; i++) {
      const delay = reconnectDelay(attempt);
      assert.ok(Number.isInteger(delay) && delay >= 0 && delay <= REDIS_DEFAULTS.reconnectMaxMs, `${delay}`);
    }
  }
});

test('connections neither queue offline nor wait unbounded, and resubscribing is left to the cache', () => {
  const settings = redisSettings({
    url: 'redis://cache',
    logger,
    commandTimeoutMs: 250,
    connectTimeoutMs: 700,
  });
  const options = connectionOptions(settings, 'updates');
  assert.equal(options.lazyConnect, true);
  assert.equal(options.enableOfflineQueue, false);
  assert.equal(options.commandTimeout, 250);
  assert.equal(options.socketTimeout, 250);
  assert.equal(options.connectTimeout, 700);
  assert.equal(options.maxRetriesPerRequest, 0);
  assert.equal(options.autoResubscribe, false);
  assert.equal(options.connectionName, 'tickflow:updates');
});
