import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { healthNotices, SIMULATED_HINT } from '../../src/web/health-notices.js';
import { connectionStatus } from '../../src/web/connection-status.js';

describe('health notices', () => {
  test('nothing to say when every component is up', () => {
    assert.deepEqual(
      healthNotices({ status: 'ok', components: { store: { status: 'up', required: true } } }),
      [],
    );
  });

  test('a part that is down says what it means for the page', () => {
    const notices = healthNotices({
      status: 'degraded',
      components: { store: { status: 'down', required: true, detail: 'connection refused' } },
    });
    assert.equal(notices.length, 1);
    const notice = notices[0]!;
    assert.equal(notice.level, 'error');
    assert.equal(
      notice.text,
      'The store is down (connection refused): history and alerts cannot be loaded; live prices continue.',
    );
  });

  test('CoinGecko down tells the user how to start the simulated market; a degraded source only warns', () => {
    const notices = healthNotices({
      status: 'degraded',
      components: {
        'source:coingecko': { status: 'down', required: false, detail: 'fetch failed' },
        'source:binance': { status: 'degraded', required: false },
      },
    });
    assert.equal(notices.length, 2);
    const [coingecko, binance] = [notices[0]!, notices[1]!];
    assert.match(coingecko.text, /^Source coingecko is down \(fetch failed\)\./);
    assert.ok(coingecko.text.includes(SIMULATED_HINT));
    assert.equal(binance.text, 'Source binance is degraded.');
    assert.equal(binance.level, 'warning');
  });
});

describe('connectionStatus', () => {
  test('live only when every feed is open (a refused one aside), offline when the API does not answer', () => {
    assert.equal(connectionStatus(['live', 'live'], true), 'live');
    assert.equal(connectionStatus(['live', 'refused'], true), 'live');
    assert.equal(connectionStatus(['live', 'reconnecting'], true), 'reconnecting');
    assert.equal(connectionStatus(['connecting'], true), 'reconnecting');
    assert.equal(connectionStatus(['live'], false), 'offline');
  });
});
