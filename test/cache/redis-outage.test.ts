import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RedisOutage } from '../../src/cache/redis-outage.js';
import { recordingLogger } from '../support/recording-logger.js';

test('an outage is logged once when its first connection is lost and once when its last is back', () => {
  const { logger, lines } = recordingLogger();
  const outage = new RedisOutage(logger, 'cache:6379/0');
  assert.equal(outage.ready('commands'), false, 'a first connect is not a return');
  outage.lost('commands', new Error('ECONNREFUSED'));
  outage.lost('commands', new Error('ECONNREFUSED'));
  outage.lost('updates', undefined);
  assert.deepEqual(
    lines.map((l) => l.msg.split(':')[0]),
    ['redis unreachable'],
  );
  assert.equal(lines[0]?.server, 'cache:6379/0');
  assert.equal(outage.isDown('updates'), true);
  assert.equal(outage.ready('commands'), true);
  assert.equal(lines.length, 1, 'not back while one connection is still down');
  assert.equal(outage.ready('updates'), true);
  assert.equal(outage.ready('updates'), false);
  assert.deepEqual(
    lines.map((l) => l.msg.split(':')[0]),
    ['redis unreachable', 'redis reachable again'],
  );
  outage.lost('updates', undefined);
  assert.equal(lines.length, 3, 'the next outage is logged again');
});
