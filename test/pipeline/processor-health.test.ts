import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TickflowError } from '../../src/errors.js';
import { ProcessorHealth } from '../../src/pipeline/processor-health.js';

const COMMIT_INTERVAL = 1_000;

function harness() {
  let now = 1_700_000_000_000;
  const health = new ProcessorHealth(() => now, COMMIT_INTERVAL);
  return {
    health,
    advance: (ms: number) => {
      now += ms;
    },
    /** One loop turn per second for `seconds`, each sampling `lagAt(i)`. */
    turns: (seconds: number, lagAt: (i: number) => number) => {
      for (let i = 0; i < seconds; i++) {
        now += 1_000;
        health.turned();
        if (health.lagSampleDue()) health.sampleLag(lagAt(i));
        health.succeeded();
      }
    },
  };
}

describe('ProcessorHealth', () => {
  test('up, with the summary as detail, while turns succeed and the lag does not grow', () => {
    const h = harness();
    h.turns(30, (i) => i % 3);
    assert.deepEqual(h.health.status('lag 0'), { status: 'up', detail: 'lag 0' });
  });

  test('down once commits have failed for longer than 3 commit intervals, up again after a success', () => {
    const h = harness();
    const err = new TickflowError('TF_STORE_UNAVAILABLE', 'EMFILE: too many open files');
    h.health.failed('commit', err);
    h.advance(3 * COMMIT_INTERVAL);
    assert.equal(h.health.status('lag 5').status, 'up', 'exactly 3 intervals is still up');
    h.health.failed('commit', err);
    h.advance(1);
    assert.deepEqual(h.health.status('lag 5'), {
      status: 'down',
      detail: 'failing for 3.0 s (commit: TF_STORE_UNAVAILABLE: EMFILE: too many open files); lag 5',
    });
    h.health.succeeded();
    assert.equal(h.health.status('lag 0').status, 'up');
  });

  test('the failure is timed from the first one, not the latest', () => {
    const h = harness();
    for (let i = 0; i < 5; i++) {
      h.health.failed('processing', new Error('corrupt record'));
      h.advance(1_000);
    }
    assert.match(h.health.status('').detail, /^failing for 5\.0 s \(processing: corrupt record\)/);
  });

  test('down when the loop has not turned for 30 s (a hung dependency)', () => {
    const h = harness();
    h.turns(2, () => 0);
    h.advance(30_001);
    assert.match(h.health.status('lag 0').detail, /^stalled for 30\.0 s; lag 0$/);
    assert.equal(h.health.status('lag 0').status, 'down');
  });

  test('degraded while the lag has grown without a dip for 10 s, up once it falls', () => {
    const h = harness();
    h.turns(9, (i) => 100 * i);
    assert.equal(h.health.status('').status, 'up', 'not yet 10 s of growth');
    h.turns(3, (i) => 1_000 + 100 * i);
    const status = h.health.status('lag 1200');
    assert.equal(status.status, 'degraded');
    assert.match(status.detail, /^lag grew from \d+ to 1200 in 1\d\.0 s; lag 1200$/);
    h.turns(1, () => 500);
    assert.equal(h.health.status('lag 500').status, 'up', 'a dip means it is catching up');
  });

  test('a flat non-zero lag is not growth', () => {
    const h = harness();
    h.turns(20, () => 42);
    assert.equal(h.health.status('lag 42').status, 'up');
  });
});
