import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  AFTER_DEADLINE_MS,
  closeAll,
  SAME_REQUEST_MS,
  stopRequested,
  type StopSignal,
} from '../../src/cli/shutdown.js';
import type { Part } from '../../src/cli/service.js';
import { ERROR, recordingLogger } from '../support/recording-logger.js';

// As Node delivers a signal: the listener gets its name.
const emit = (signal: StopSignal): boolean => process.emit(signal as 'SIGTERM', signal as 'SIGTERM');

describe('shutdown', () => {
  test('the first signal starts the stop; a copy within a second is the same request; a later one forces', async () => {
    let now = 1_000_000;
    const forced: StopSignal[] = [];
    const stop = stopRequested(
      (s) => forced.push(s),
      () => now,
    );
    emit('SIGINT');
    assert.equal(await stop, 'SIGINT');
    now += SAME_REQUEST_MS - 1; // npm's forwarded copy of a terminal's Ctrl-C
    emit('SIGINT');
    assert.deepEqual(forced, []);
    now += 1;
    emit('SIGTERM');
    assert.deepEqual(forced, ['SIGTERM']);
  });

  test('closeAll closes in reverse order, names a part that misses the deadline, and still closes the rest', async () => {
    const { logger, lines } = recordingLogger();
    const closed: string[] = [];
    const part = (name: string, close: () => Promise<void>): Part => ({
      name,
      start: () => Promise.resolve(),
      close,
    });
    const quick = (name: string): Part =>
      part(name, async () => {
        await new Promise((r) => setTimeout(r, 10));
        closed.push(name);
      });
    const started = Date.now();
    const clean = await closeAll(
      [quick('store'), part('hung', () => new Promise(() => undefined)), quick('api')],
      logger,
      300,
    );
    const took = Date.now() - started;
    assert.equal(clean, false);
    assert.deepEqual(closed, ['api', 'store'], 'the part before the hung one is still closed, in order');
    assert.ok(took >= 300 && took < 300 + AFTER_DEADLINE_MS, `bounded by the deadline: ${took} ms`);
    const errors = lines.filter((l) => l.level === ERROR);
    assert.deepEqual(
      errors.map((l) => [l['part'], l.msg]),
      [['hung', 'did not close within the shutdown deadline']],
    );
  });

  test('closeAll is clean when every part closes, and false (logged) when one throws', async () => {
    const { logger, lines } = recordingLogger();
    const ok: Part = { name: 'ok', start: () => Promise.resolve(), close: () => Promise.resolve() };
    assert.equal(await closeAll([ok, ok], logger, 1_000), true);
    const bad: Part = {
      name: 'bad',
      start: () => Promise.resolve(),
      close: () => Promise.reject(new Error('boom')),
    };
    assert.equal(await closeAll([ok, bad], logger, 1_000), false);
    assert.equal(lines.filter((l) => l.level === ERROR && l['part'] === 'bad').length, 1);
  });
});
