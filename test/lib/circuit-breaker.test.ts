import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CircuitBreaker } from '../../src/lib/circuit-breaker.js';

const options = { failuresToOpen: 2, openMs: 1_000, maxOpenMs: 4_000 };

test('opens after the failures in a row, refuses for the cool-down, then lets a trial through', () => {
  let now = 0;
  const breaker = new CircuitBreaker(options, () => now);
  assert.equal(breaker.failed(), false, 'one failure is not enough');
  assert.equal(breaker.allows(), true);
  assert.equal(breaker.failed(), true, 'the second in a row opens it');
  assert.equal(breaker.state, 'open');
  assert.equal(breaker.retryInMs, 1_000);
  now = 999;
  assert.equal(breaker.allows(), false);
  assert.equal(breaker.retryInMs, 1);
  now = 1_000;
  assert.equal(breaker.allows(), true, 'the trial');
  assert.equal(breaker.state, 'half-open');
  assert.equal(breaker.allows(), false, 'only one trial at a time');
  assert.equal(breaker.succeeded(), true, 'the trial closed it');
  assert.equal(breaker.allows(), true);
  assert.equal(breaker.state, 'closed');
  assert.equal(breaker.succeeded(), false, 'already closed');
});

test('a call that was already out when the circuit opened does not stretch the cool-down', () => {
  let now = 0;
  const breaker = new CircuitBreaker(options, () => now);
  breaker.failed();
  breaker.failed();
  now = 500;
  assert.equal(breaker.failed(), false);
  assert.equal(breaker.retryInMs, 500);
});

test('a success between failures resets the count', () => {
  const breaker = new CircuitBreaker(options, () => 0);
  breaker.failed();
  breaker.succeeded();
  assert.equal(breaker.failed(), false);
  assert.equal(breaker.state, 'closed');
});

test('each failed trial doubles the cool-down up to the cap; a success starts it again from the first', () => {
  let now = 0;
  const breaker = new CircuitBreaker(options, () => now);
  breaker.failed();
  breaker.failed();
  const cooldowns: number[] = [];
  for (let i = 0; i < 4; i++) {
    now += breaker.retryInMs;
    assert.equal(breaker.allows(), true);
    assert.equal(breaker.failed(), false, 'a failed trial re-opens, it does not open anew');
    cooldowns.push(breaker.retryInMs);
  }
  assert.deepEqual(cooldowns, [2_000, 4_000, 4_000, 4_000]);
  now += breaker.retryInMs;
  breaker.allows();
  breaker.succeeded();
  breaker.failed();
  breaker.failed();
  assert.equal(breaker.retryInMs, 1_000);
});
