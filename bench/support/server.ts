import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../src/logger.js';
import { createPgliteStore } from '../../src/store/pglite-store.js';
import { candles as history, T0 } from '../support.js';
import { startTickflow, type TickflowProcess } from '../../test/support/tickflow-process.js';
import { waitFor } from '../../test/support/wait.js';

export interface BenchServer {
  readonly app: TickflowProcess;
  close(): Promise<void>;
}

/**
 * Starts the real `tickflow start` in its own process on the simulated source, with `candles` of BTC
 * history already in its store, and waits until it serves a latest price.
 */
export async function startBenchServer(env: Record<string, string>, candles = 0): Promise<BenchServer> {
  const dir = await mkdtemp(join(tmpdir(), 'tickflow-bench-'));
  const dataDir = join(dir, 'data');
  if (candles > 0) {
    const store = createPgliteStore(join(dataDir, 'store'), silentLogger());
    await store.start();
    const end = Math.floor((Date.now() - T0) / 60_000) - 60 - candles;
    await store.commit({
      group: 'bench',
      fence: null,
      checkpoints: [],
      candles: history('BTC', candles, end),
      alerts: [],
    });
    await store.close();
  }
  const app = await startTickflow(['start'], {
    TICKFLOW_DATA_DIR: dataDir,
    PORT: '0',
    TICKFLOW_SOURCES: 'simulated',
    LOG_LEVEL: 'error',
    // The load comes from one address at thousands of requests a second: the limit would be measured.
    TICKFLOW_RATE_LIMIT: '0',
    ...env,
  });
  await waitFor(
    'a latest BTC price',
    async () => (await fetch(`${app.url}/api/v1/latest/BTC`)).status === 200,
  );
  return {
    app,
    close: async () => {
      await app.stop('SIGTERM');
      await rm(dir, { recursive: true, force: true });
    },
  };
}
