import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { describe, test } from 'node:test';
import { sleep } from '../../src/lib/sleep.js';

/** Which settles first: `promise` or a setImmediate callback (a turn of the event loop). */
const beforeNextTurn = (promise: Promise<void>): Promise<boolean> =>
  Promise.race([
    promise.then(() => true),
    new Promise<boolean>((r) => {
      setImmediate(() => {
        r(false);
      });
    }),
  ]);

describe('sleep', () => {
  test('waits about `ms`, and leaves no listener on the signal', async () => {
    const signal = new AbortController().signal;
    const began = performance.now();
    await sleep(30, signal);
    assert.ok(performance.now() - began >= 28, 'waited the time asked for');
    assert.equal(getEventListeners(signal, 'abort').length, 0);
  });

  test('works without a signal', async () => {
    const began = performance.now();
    await sleep(15);
    assert.ok(performance.now() - began >= 13);
  });

  test('aborting ends the wait at once and does not reject', async () => {
    const controller = new AbortController();
    const began = performance.now();
    const waiting = sleep(10_000, controller.signal);
    setTimeout(() => {
      controller.abort();
    }, 10);
    await waiting;
    assert.ok(performance.now() - began < 1000);
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
  });

  test('resolves at once for 0 or less, or a signal already aborted', async () => {
    assert.equal(await beforeNextTurn(sleep(0)), true);
    assert.equal(await beforeNextTurn(sleep(-5, new AbortController().signal)), true);
    assert.equal(await beforeNextTurn(sleep(10_000, AbortSignal.abort())), true);
  });
});
