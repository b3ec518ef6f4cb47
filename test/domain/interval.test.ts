import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseIntervals } from '../../src/domain/interval.js';
import { formatDuration, durationMs, parseDuration } from '../../src/domain/time.js';

test('durations parse and format exactly', () => {
  assert.equal(parseDuration('200ms'), 200);
  assert.equal(parseDuration('10s'), 10_000);
  assert.equal(parseDuration('15m'), 900_000);
  assert.equal(parseDuration('0'), 0);
  assert.equal(parseDuration('1.5s'), undefined);
  assert.equal(parseDuration('10'), undefined);
  assert.equal(formatDuration(durationMs(60_000)), '1m');
  assert.equal(formatDuration(durationMs(90_000)), '90s');
  assert.equal(formatDuration(durationMs(250)), '250ms');
});

test('interval lists are sorted, named, and checked', () => {
  const parsed = parseIntervals('15m, 1m,5m');
  assert.ok(typeof parsed !== 'string');
  assert.deepEqual(
    parsed.map((i) => [i.name, i.ms]),
    [
      ['1m', 60_000],
      ['5m', 300_000],
      ['15m', 900_000],
    ],
  );
  assert.match(parseIntervals('1m,60s') as string, /listed twice/);
  assert.match(parseIntervals('') as string, /at least one/);
  assert.match(parseIntervals('0') as string, /not a window size/);
});
