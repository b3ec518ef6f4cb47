import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startFreezableProxy } from '../support/freezable-proxy.js';
import { createTestDatabase, requireServices } from '../support/services.js';
import { startTickflow } from '../support/tickflow-process.js';
import { tradeFile } from '../support/trade-file.js';
import { waitFor } from '../support/wait.js';
import { type CandleRow, getJson, replayClosed } from '../e2e/support.js';

const history = async (url: string, symbol: string, interval: string): Promise<CandleRow[]> =>
  (
    (await getJson(`${url}/api/v1/historical/${symbol}?interval=${interval}&limit=5000`)).body as {
      candles: CandleRow[];
    }
  ).candles;

describe('stopping tickflow', () => {
  let dir: string;
  let ticks: string;
  let input: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tickflow-shutdown-'));
    ticks = tradeFile(300_000, 11); // 100 minutes of event time
    input = join(dir, 'trades.jsonl');
    await writeFile(input, ticks);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test(
    'SIGTERM in the middle of a heavy ingest exits 0, and a restart ends with history equal to replay: nothing lost or doubled',
    { timeout: 180_000 },
    async () => {
      const env = {
        TICKFLOW_DATA_DIR: join(dir, 'data'),
        TICKFLOW_SOURCES: 'file',
        TICKFLOW_FILE_INPUT: input,
        PORT: '0',
        LOG_LEVEL: 'info',
      };
      const first = await startTickflow(['start'], env, 60_000);
      await waitFor(
        'the first candles',
        async () => (await history(first.url, 'BTC', '1m')).length >= 5,
        60_000,
      );
      const cut = (await history(first.url, 'BTC', '1m')).length;
      const stopAt = Date.now();
      assert.equal(await first.stop('SIGTERM'), 0, first.output.stderr.slice(-2_000));
      const stopMs = Date.now() - stopAt;
      assert.doesNotMatch(first.output.stderr, /"level":(50|60)/, 'no error on the way down');
      assert.ok(cut < 90, `the stop came in the middle of the work (${cut} of 100 BTC 1m candles stored)`);

      // The restart appends the file again: the ticks the first run processed come again, and must
      // change nothing (a closed window's come late, an open window's are duplicates).
      const second = await startTickflow(['start'], env, 60_000);
      try {
        for (const [symbol, interval] of [
          ['BTC', '1m'],
          ['ETH', '1m'],
          ['BTC', '5m'],
          ['ETH', '15m'],
        ] as const) {
          const expected = await replayClosed(dir, ticks, symbol, interval);
          assert.ok(expected.length >= 6, `enough closed ${symbol} ${interval} candles to compare`);
          const live = await waitFor(
            `${symbol} ${interval}: every closed window`,
            async () => {
              const candles = await history(second.url, symbol, interval);
              return candles.length >= expected.length ? candles : undefined;
            },
            120_000,
          );
          assert.deepEqual(live, expected, `${symbol} ${interval}`);
        }
      } finally {
        assert.equal(await second.stop('SIGTERM'), 0, second.output.stderr.slice(-2_000));
      }
      process.stdout.write(`# graceful stop under load took ${stopMs} ms\n`);
    },
  );

  test(
    'a store that hangs holds the stop no longer than the shutdown deadline (exit 1, naming the part); a second SIGTERM exits at once with 143',
    { timeout: 120_000 },
    async (t) => {
      const urls = requireServices(t, ['postgres']);
      if (!urls) return;
      const db = await createTestDatabase(urls.postgres);
      const target = new URL(db.url);
      const proxy = await startFreezableProxy(target.hostname, Number(target.port || 5432));
      target.port = String(proxy.port);
      const env = {
        TICKFLOW_DATA_DIR: join(dir, 'hung'),
        DATABASE_URL: target.toString(),
        TICKFLOW_SOURCES: 'simulated',
        TICKFLOW_SHUTDOWN_TIMEOUT: '3s',
        PORT: '0',
        LOG_LEVEL: 'info',
      };
      try {
        const deadline = await startTickflow(
          ['start'],
          { ...env, TICKFLOW_DATA_DIR: join(dir, 'hung-1') },
          60_000,
        );
        await new Promise((resolve) => setTimeout(resolve, 2_000));
        proxy.freeze(); // PostgreSQL still accepts connections, and never answers again
        const stopAt = Date.now();
        assert.equal(await deadline.stop('SIGTERM'), 1);
        const deadlineMs = Date.now() - stopAt;
        assert.ok(deadlineMs >= 3_000 && deadlineMs < 10_000, `stopped after ${deadlineMs} ms`);
        assert.match(deadline.output.stderr, /did not close within/);

        proxy.thaw();
        const forced = await startTickflow(
          ['start'],
          { ...env, TICKFLOW_DATA_DIR: join(dir, 'hung-2') },
          60_000,
        );
        await new Promise((resolve) => setTimeout(resolve, 2_000));
        proxy.freeze();
        const exited = forced.stop('SIGTERM');
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        const againAt = Date.now();
        forced.child.kill('SIGTERM');
        assert.equal(await exited, 143);
        assert.ok(Date.now() - againAt < 1_000, 'the second signal ends the process at once');
      } finally {
        await proxy.close();
        await db.drop();
      }
    },
  );
});
