import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../src/logger.js';
import { createPgliteStore } from '../../src/store/pglite-store.js';
import type { Candle } from '../../src/domain/candle.js';
import { epochMs } from '../../src/domain/time.js';
import { startTickflow, type TickflowProcess } from '../../test/support/tickflow-process.js';
import { waitFor } from '../../test/support/wait.js';

export interface BenchServer {
  readonly app: TickflowProcess;
  close(): Promise<void>;
}

/** `count` closed 1m BTC candles, one a minute, ending an hour ago. */
function history(count: number): Candle[] {
  const end = Math.floor(Date.now() / 60_000) * 60_000 - 3_600_000;
  return Array.from({ length: count }, (_, i) => {
    const start = end - (count - i) * 60_000;
    const price = 60_000 + Math.sin(i / 10) * 500;
    return {
      symbol: 'BTC',
      interval: '1m',
      windowStart: epochMs(start),
      windowEnd: epochMs(start + 60_000),
      open: price,
      high: price + 20,
      low: price - 20,
      close: price + 5,
      volume: 12.5,
      trades: 40,
      vwap: price + 1,
      closed: true,
    };
  });
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
    await store.commit({ group: 'bench', checkpoints: [], candles: history(candles), alerts: [] });
    await store.close();
  }
  const app = await startTickflow(['start'], {
    TICKFLOW_DATA_DIR: dataDir,
    PORT: '0',
    TICKFLOW_SOURCES: 'simulated',
    LOG_LEVEL: 'error',
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
