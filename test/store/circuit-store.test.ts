import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { isTickflowError } from '../../src/errors.js';
import { silentLogger } from '../../src/logger.js';
import { CircuitStore } from '../../src/store/circuit-store.js';
import { createPostgresStore } from '../../src/store/postgres-store.js';
import { type FreezableProxy, startFreezableProxy } from '../support/freezable-proxy.js';
import { recordingLogger } from '../support/recording-logger.js';
import { cannotStart, type PrivateServer, startPostgres } from '../support/services.js';
import { waitFor } from '../support/wait.js';

let server: PrivateServer | undefined;
let proxy: FreezableProxy | undefined;
after(async () => {
  await proxy?.close();
  await server?.close();
});

const query = { symbol: 'BTC', interval: '1m', limit: 10 } as const;

test(
  'a stopped PostgreSQL gets one connection attempt per cool-down, not one per call; calls fail at once saying why, and the store is found again when it is back',
  { skip: cannotStart(['postgres']), timeout: 60_000 },
  async () => {
    server = await startPostgres();
    proxy = await startFreezableProxy('127.0.0.1', server.port);
    const url = new URL(server.url);
    url.port = String(proxy.port);
    const { logger, lines } = recordingLogger();
    const store = new CircuitStore(
      createPostgresStore({ url: url.toString(), logger: silentLogger() }),
      logger,
    );
    await store.start();
    try {
      assert.deepEqual(await store.candles(query), []);
      await server.stop();

      // 40 calls over 3 s. Without the circuit each would try a connection of its own.
      const before = proxy.connections;
      const messages = new Set<string>();
      for (let i = 0; i < 40; i++) {
        await assert.rejects(store.candles(query), (err: unknown) => {
          assert.ok(isTickflowError(err) && err.code === 'TF_STORE_UNAVAILABLE' && err.retriable);
          messages.add(err.message.replace(/\d+ ms/, 'N ms'));
          return true;
        });
        await new Promise((resolve) => setTimeout(resolve, 75));
      }
      const attempts = proxy.connections - before;
      // 2 failures open it for 1 s, the trial after it fails (2 s more), the next one comes at about 3 s.
      assert.ok(attempts >= 3 && attempts <= 5, `${attempts} connection attempts for 40 calls in 3 s`);
      assert.ok(
        [...messages].some((m) =>
          /^store unavailable: circuit open after store unavailable: .*cannot connect/.test(m),
        ),
        `an open circuit names the outage and the next trial: ${[...messages].join(' | ')}`,
      );
      const opened = lines.filter((l) => l['code'] === 'TF_STORE_CIRCUIT_OPEN' && l.level === 40);
      assert.equal(opened.length, 1, 'the opening is logged once');

      await server.start();
      await waitFor(
        'the store to answer again',
        () =>
          store.candles(query).then(
            () => true,
            () => false,
          ),
        20_000,
      );
      assert.equal(
        lines.filter((l) => l['code'] === 'TF_STORE_CIRCUIT_OPEN' && l.level === 30).length,
        1,
        'the closing is logged once',
      );
    } finally {
      await store.close();
    }
  },
);
