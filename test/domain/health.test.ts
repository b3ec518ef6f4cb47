import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isServing, overallStatus } from '../../src/domain/health.js';
import { report, SOURCE_DOWN, SOURCE_UP, STORE_DOWN, STORE_UP } from '../support/health-reports.js';

describe('overallStatus and isServing', () => {
  test('down when a required component is down, degraded when an optional one is, else ok', () => {
    assert.equal(overallStatus({ store: STORE_UP, coingecko: SOURCE_UP }), 'ok');
    assert.equal(overallStatus({ store: STORE_UP, coingecko: SOURCE_DOWN }), 'degraded');
    assert.equal(overallStatus({ store: STORE_DOWN, coingecko: SOURCE_UP }), 'down');
    assert.equal(overallStatus({}), 'ok');
  });

  test('a degraded component, required or not, makes the service degraded but never down', () => {
    const lagging = { status: 'degraded', required: false, detail: 'lag grew' } as const;
    assert.equal(overallStatus({ store: STORE_UP, processor: lagging }), 'degraded');
    assert.equal(overallStatus({ store: { ...STORE_UP, status: 'degraded' } }), 'degraded');
    assert.equal(isServing(report('degraded', { processor: lagging })), true);
  });

  test('a report is serving unless it says down or a required component is down', () => {
    assert.equal(isServing(report('degraded', { coingecko: SOURCE_DOWN })), true);
    assert.equal(isServing(report('down', {})), false);
    assert.equal(isServing(report('ok', { store: STORE_DOWN })), false);
  });
});
