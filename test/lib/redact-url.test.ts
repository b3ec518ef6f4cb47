import assert from 'node:assert/strict';
import { test } from 'node:test';
import { redactUrl } from '../../src/lib/redact-url.js';

test('redactUrl hides the password and keeps the rest', () => {
  assert.equal(redactUrl('postgres://u:secret@db:5432/x'), 'postgres://u:***@db:5432/x');
  assert.equal(redactUrl('rediss://:secret@cache:6380/2'), 'rediss://:***@cache:6380/2');
  assert.equal(redactUrl('redis://cache:6379'), 'redis://cache:6379');
});

test('redactUrl hides a password even in text that is not a URL', () => {
  assert.equal(redactUrl('redis://u:se cret@ho st'), 'redis://u:***@ho st');
  assert.equal(redactUrl('not a url'), 'not a url');
});
