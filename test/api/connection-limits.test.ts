import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectionLimitsFor } from '../../src/api/connection-limits.js';

test('connections stay below the descriptor limit with a reserve, WebSocket clients below that', () => {
  assert.deepEqual(connectionLimitsFor(1024), { maxConnections: 768, maxWebSocketClients: 691 });
  assert.deepEqual(connectionLimitsFor(256), { maxConnections: 64, maxWebSocketClients: 48 });
  assert.deepEqual(connectionLimitsFor(65_536), { maxConnections: 49_152, maxWebSocketClients: 44_236 });
  for (const limit of [16, 64, 100, 256, 300, 1024, 4096, 1_048_576]) {
    const { maxConnections, maxWebSocketClients } = connectionLimitsFor(limit);
    assert.ok(limit - maxConnections >= Math.min(256, (limit * 3) / 4), `${limit}: a reserve is kept`);
    assert.ok(maxWebSocketClients > 0 && maxWebSocketClients < maxConnections, `${limit}: headroom`);
  }
});
