import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRedisUrl } from '../../src/cache/redis-url.js';
import { ConfigError } from '../../src/errors.js';

/** Asserts that `url` is refused with a TF_CONFIG_INVALID whose one violation matches `reason`. */
function refuses(url: string, reason: RegExp): ConfigError {
  let error: unknown;
  try {
    parseRedisUrl(url);
  } catch (err) {
    error = err;
  }
  assert.ok(error instanceof ConfigError, `${url} was accepted`);
  assert.equal(error.code, 'TF_CONFIG_INVALID');
  assert.equal(error.violations.length, 1);
  assert.match(error.violations[0]!, reason);
  return error;
}

test('accepts redis:// and rediss://, describing the server as host:port/db without credentials', () => {
  assert.deepEqual(parseRedisUrl('redis://127.0.0.1:6379'), {
    url: 'redis://127.0.0.1:6379',
    server: '127.0.0.1:6379/0',
  });
  assert.deepEqual(parseRedisUrl('redis://cache'), { url: 'redis://cache', server: 'cache:6379/0' });
  const secret = parseRedisUrl('rediss://user:s3cret@cache.internal:6380/2');
  assert.equal(secret.url, 'rediss://user:s3cret@cache.internal:6380/2');
  assert.equal(secret.server, 'cache.internal:6380/2');
  assert.equal(parseRedisUrl('redis://:pw@[::1]:7000/').server, '[::1]:7000/0');
});

test('normalises the scheme to lower case, so the client still turns TLS on', () => {
  assert.equal(parseRedisUrl('REDISS://cache:6380').url, 'rediss://cache:6380');
});

test('refuses every other scheme, naming the two it accepts', () => {
  refuses(
    'http://cache:6379',
    /^Redis URL "http:\/\/cache:6379\/": the scheme must be redis:\/\/ or rediss:\/\//,
  );
  refuses('postgres://u@db/x', /not postgres:\/\//);
  refuses('unix:///tmp/redis.sock', /the scheme must be redis:\/\/ or rediss:\/\//);
});

test('refuses text that is not a URL, a URL without a host, and a path that is not a database number', () => {
  refuses('127.0.0.1:6379', /not a URL; expected redis:\/\//);
  refuses('cache:6379', /the scheme must be redis:\/\/ or rediss:\/\/ \(TLS\), not cache:\/\//);
  refuses('not a url', /not a URL; expected redis:\/\//);
  refuses('redis://', /names no host/);
  refuses('redis:///0', /names no host/);
  refuses('redis://cache/tickflow', /the path must be a database number.*not \/tickflow/);
  refuses('redis://cache/1/2', /the path must be a database number/);
  refuses('redis://cache/99999999999999999999', /database 99999999999999999999 is out of range/);
});

test('refuses query parameters, which the client would read as options', () => {
  refuses('redis://cache?db=2', /query parameters and fragments are not supported/);
  refuses('redis://cache/0#x', /query parameters and fragments are not supported/);
});

test('never quotes the password in its message', () => {
  const error = refuses('redis://user:hunter2@cache/nope', /the path must be a database number/);
  assert.doesNotMatch(error.message, /hunter2/);
  assert.match(error.message, /user:\*\*\*@cache/);
  assert.doesNotMatch(refuses('redis://u:hunter2@ca che', /not a URL/).message, /hunter2/);
});
