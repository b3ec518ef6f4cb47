import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sleep } from '../../src/lib/sleep.js';
import { parseRetryAfter } from '../../src/sources/backoff.js';
import { retry } from '../../src/sources/retry.js';
import { SourceError } from '../../src/sources/source-error.js';

const unavailable = (retryAfterMs: number | null = null): SourceError =>
  new SourceError('TF_SOURCE_UNAVAILABLE', 'answered 503', { retriable: true, retryAfterMs });
const policy = { baseMs: 100, maxMs: 1000 };

/** A sleep that only records, so retries take no time. */
function instant(): { waits: number[]; sleep: (ms: number) => Promise<void> } {
  const waits: number[] = [];
  return { waits, sleep: (ms) => (waits.push(ms), Promise.resolve()) };
}

describe('parseRetryAfter', () => {
  const now = Date.parse('2024-05-01T12:00:00Z');
  test('delay-seconds', () => {
    assert.equal(parseRetryAfter('5', now), 5000);
    assert.equal(parseRetryAfter(' 0 ', now), 0);
  });
  test('an HTTP date, relative to now; a past date is 0', () => {
    assert.equal(parseRetryAfter('Wed, 01 May 2024 12:00:30 GMT', now), 30_000);
    assert.equal(parseRetryAfter('Wed, 01 May 2024 11:00:00 GMT', now), 0);
  });
  test('absent or invalid values are undefined', () => {
    for (const v of [null, undefined, '', '-1', '1.5', 'soon', '1e3'])
      assert.equal(parseRetryAfter(v, now), undefined, String(v));
  });
});

describe('retry', () => {
  const signal = new AbortController().signal;

  test('retries retriable failures with jittered backoff until it succeeds', async () => {
    const s = instant();
    let calls = 0;
    const result = await retry(() => (++calls < 3 ? Promise.reject(unavailable()) : Promise.resolve('ok')), {
      attempts: 5,
      backoff: policy,
      signal,
      sleep: s.sleep,
      random: () => 0.5,
    });
    assert.equal(result, 'ok');
    assert.equal(calls, 3);
    assert.deepEqual(s.waits, [50, 100]);
  });

  test('honours Retry-After instead of the jittered delay', async () => {
    const s = instant();
    let calls = 0;
    const retried: number[] = [];
    await retry(() => (++calls === 1 ? Promise.reject(unavailable(700)) : Promise.resolve()), {
      attempts: 3,
      backoff: policy,
      signal,
      sleep: s.sleep,
      random: () => 0,
      onRetry: (_err, attempt, delay) => retried.push(attempt, delay),
    });
    assert.deepEqual(s.waits, [700]);
    assert.deepEqual(retried, [0, 700]);
  });

  test('gives up after the last attempt with the last error', async () => {
    const s = instant();
    let calls = 0;
    const last = unavailable();
    await assert.rejects(
      retry(() => Promise.reject(++calls === 3 ? last : unavailable()), {
        attempts: 3,
        backoff: policy,
        signal,
        sleep: s.sleep,
      }),
      (err) => err === last,
    );
    assert.equal(calls, 3);
    assert.equal(s.waits.length, 2);
  });

  test('does not retry errors that are not retriable, nor a Retry-After beyond the cap', async () => {
    let calls = 0;
    const config = new SourceError('TF_SOURCE_CONFIG', 'answered 404', { retriable: false });
    await assert.rejects(
      retry(() => (calls++, Promise.reject(config)), { attempts: 3, backoff: policy, signal }),
      config,
    );
    await assert.rejects(
      retry(() => (calls++, Promise.reject(new Error('bug'))), { attempts: 3, backoff: policy, signal }),
      /bug/,
    );
    const tooLong = unavailable(5000);
    await assert.rejects(
      retry(() => (calls++, Promise.reject(tooLong)), { attempts: 3, backoff: policy, signal }),
      tooLong,
    );
    assert.equal(calls, 3, 'one call each');
  });

  test('aborting ends the wait at once and rejects with the abort reason', async () => {
    const controller = new AbortController();
    const began = Date.now();
    const pending = retry(() => Promise.reject(unavailable(10_000)), {
      attempts: 3,
      backoff: { baseMs: 10, maxMs: 60_000 },
      signal: controller.signal,
      sleep,
    });
    setTimeout(() => {
      controller.abort();
    }, 20);
    await assert.rejects(pending, { name: 'AbortError' });
    assert.ok(Date.now() - began < 1000);
  });
});
