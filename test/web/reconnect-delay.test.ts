import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { reconnectDelay } from '../../src/web/reconnect-delay.js';

describe('reconnectDelay', () => {
  const policy = { baseMs: 500, maxMs: 10_000 };

  test('doubles its ceiling per attempt up to the maximum, drawing from the upper half', () => {
    // ceilings 500, 1000, 2000, 4000, 8000, 10000 (capped), 10000
    const ceilings = [500, 1000, 2000, 4000, 8000, 10_000, 10_000];
    ceilings.forEach((ceiling, attempt) => {
      assert.equal(
        reconnectDelay(attempt, () => 0, policy),
        ceiling / 2,
        `attempt ${attempt}, lowest draw`,
      );
      assert.equal(
        reconnectDelay(attempt, () => 0.999_999, policy),
        Math.round(ceiling - ceiling * 0.000_000_5),
      );
    });
    assert.equal(
      reconnectDelay(2, () => 0.5, policy),
      1500,
    );
  });

  test('stays finite after very many attempts', () => {
    assert.equal(
      reconnectDelay(10_000, () => 1, policy),
      10_000,
    );
  });
});
