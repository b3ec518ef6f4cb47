import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Exposition, parseExposition, total } from '../support/prometheus-text.js';
import { startTickflow, type TickflowProcess } from '../support/tickflow-process.js';
import { tradeFile } from '../support/trade-file.js';
import { waitFor } from '../support/wait.js';
import { referencedMetricNames } from '../deploy/metric-names.js';
import { type CandleRow, getJson, replayClosed } from './support.js';

const TRADES = 100_000;
const INTERVALS = ['1m', '5m', '15m'] as const;

const scrape = async (url: string): Promise<Exposition> => {
  const res = await fetch(`${url}/metrics`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  return parseExposition(await res.text());
};

/**
 * `GET /metrics` of a real `tickflow start` while it ingests a file of 100,000 trades (33 minutes of event
 * time) and its processor catches up: the counters move as the data does, and agree with the file and
 * with the replay engine's candles.
 */
describe('metrics during an end-to-end run', () => {
  let dir: string;
  let ticks: string;
  let app: TickflowProcess;
  /** The highest consumer lag seen while the processor caught up. */
  let highestLag = 0;
  let caughtUp: Exposition;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tickflow-metrics-e2e-'));
    ticks = tradeFile(TRADES, 5);
    const input = join(dir, 'trades.jsonl');
    await writeFile(input, ticks);
    app = await startTickflow(
      ['start'],
      {
        TICKFLOW_DATA_DIR: join(dir, 'data'),
        TICKFLOW_SOURCES: 'file',
        TICKFLOW_FILE_INPUT: input,
        TICKFLOW_COMMIT_INTERVAL: '200ms',
        PORT: '0',
      },
      60_000,
    );
    caughtUp = await waitFor(
      'every trade appended and consumed, with no lag',
      async () => {
        const m = await scrape(app.url);
        highestLag = Math.max(highestLag, total(m, 'tickflow_log_consumer_lag'));
        const appended = total(m, 'tickflow_log_appended_total', { topic: 'crypto-prices' });
        const done =
          total(m, 'tickflow_source_ticks_total') === TRADES &&
          total(m, 'tickflow_log_consumed_total', { topic: 'crypto-prices' }) === appended &&
          total(m, 'tickflow_log_consumer_lag') === 0;
        return done ? m : undefined;
      },
      120_000,
      50,
    );
  });

  after(async () => {
    await app.stop('SIGTERM');
    await rm(dir, { recursive: true, force: true });
  });

  test('ticks in equal the sum of the ticks per symbol, and the trades in the file', () => {
    const perSymbol = ['BTC', 'ETH'].map((symbol) =>
      total(caughtUp, 'tickflow_source_ticks_total', { source: 'file', symbol }),
    );
    assert.deepEqual(perSymbol, [TRADES / 2, TRADES / 2]);
    assert.equal(total(caughtUp, 'tickflow_source_ticks_total'), TRADES);
    // The log holds the ticks and the feed's heartbeat signals; the processor took every record of it.
    const appended = total(caughtUp, 'tickflow_log_appended_total', { topic: 'crypto-prices' });
    assert.ok(appended >= TRADES, `${appended} records appended`);
    assert.equal(total(caughtUp, 'tickflow_processor_records_in_total'), appended);
    assert.equal(total(caughtUp, 'tickflow_processor_duplicate_ticks_total'), 0);
    assert.equal(total(caughtUp, 'tickflow_processor_late_ticks_total'), 0);
    assert.equal(total(caughtUp, 'tickflow_processor_dead_letters_total'), 0);
  });

  test('lag rose while the processor was behind and came back to zero once it caught up', () => {
    assert.ok(highestLag > 0, 'some scrape saw records waiting');
    assert.equal(total(caughtUp, 'tickflow_log_consumer_lag'), 0);
    assert.equal(total(caughtUp, 'tickflow_processor_partitions_owned'), 3);
  });

  test('windows fired match the candles in the store and the replay engine', async () => {
    for (const interval of INTERVALS) {
      let expected = 0;
      for (const symbol of ['BTC', 'ETH']) {
        const replayed = await replayClosed(dir, ticks, symbol, interval);
        const stored = await waitFor(`${symbol} ${interval}: the candles committed`, async () => {
          const { body } = await getJson(
            `${app.url}/api/v1/historical/${symbol}?interval=${interval}&limit=5000`,
          );
          const { candles } = body as { candles: CandleRow[] };
          return candles.length >= replayed.length ? candles : undefined;
        });
        assert.equal(stored.length, replayed.length, `${symbol} ${interval}`);
        expected += replayed.length;
      }
      const fired = await waitFor(`${interval} windows fired`, async () => {
        const n = total(await scrape(app.url), 'tickflow_processor_windows_fired_total', { interval });
        return n >= expected ? n : undefined;
      });
      assert.equal(fired, expected, `${interval}: windows fired`);
    }
    const m = await scrape(app.url);
    assert.equal(
      total(m, 'tickflow_processor_records_out_total', { kind: 'candle' }),
      total(m, 'tickflow_processor_windows_fired_total'),
    );
  });

  test('API requests are observed by route and status, with bounded labels', async () => {
    const before = total(await scrape(app.url), 'tickflow_http_request_duration_seconds_count', {
      route: '/api/v1/historical/:symbol',
      status: '400',
    });
    for (let i = 0; i < 3; i++) await fetch(`${app.url}/api/v1/historical/BTC?interval=2m`);
    await fetch(`${app.url}/no/such/route/${String(Math.random())}`);
    const m = await scrape(app.url);
    const count = (where: Record<string, string>): number =>
      total(m, 'tickflow_http_request_duration_seconds_count', where);
    assert.equal(count({ route: '/api/v1/historical/:symbol', status: '400' }) - before, 3);
    assert.ok(count({ route: 'unmatched', status: '404' }) >= 1);
    const routes = new Set(
      m.samples
        .filter((s) => s.name === 'tickflow_http_request_duration_seconds_count')
        .map((s) => s.labels['route']),
    );
    assert.ok(![...routes].some((r) => r?.includes('/no/such/')), 'no URL becomes a label');
    assert.ok(m.families.has('process_resident_memory_bytes'), 'the process metrics are there');
  });

  test('every metric the Grafana dashboard and the alert rules query is served', async () => {
    const m = await scrape(app.url);
    const served = (name: string): boolean =>
      m.families.has(name) || m.families.has(name.replace(/_(bucket|sum|count)$/, ''));
    const missing = [...(await referencedMetricNames())].filter((name) => !served(name));
    assert.deepEqual(missing, [], 'queried in deploy/ but not in a scrape');
  });
});
