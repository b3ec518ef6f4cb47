import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../support/cli.js';

const T0 = 1_699_999_200_000;
const lines = [
  { symbol: 'BTC', price: 100, ts: T0 },
  { symbol: 'BTC', price: 102, ts: T0 + 30_000, volume: 2 },
  'this is not json',
  { symbol: 'BTC', price: -5, ts: T0 + 31_000 },
  { symbol: 'BTC', price: 100, ts: T0 }, // a repeated snapshot
  { symbol: 'ETH', price: 10, ts: T0 + 1_000, partition: 2 },
  { symbol: 'BTC', price: 110, ts: T0 + 95_000, volume: 1 },
  { symbol: 'BTC', price: 1, ts: T0 + 2_000 }, // late for 1m, on time for 5m and 15m
];

describe('tickflow replay', () => {
  let dir: string;
  let input: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tickflow-replay-'));
    input = join(dir, 'ticks.jsonl');
    await writeFile(
      input,
      lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n',
    );
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('a line over 1 MiB is reported by number and skipped, and the lines after it still count', async () => {
    const path = join(dir, 'long-line.jsonl');
    const tick = (price: number, ts: number) => JSON.stringify({ symbol: 'BTC', price, ts });
    await writeFile(
      path,
      `${tick(100, T0)}\n{"symbol":"${'B'.repeat(3 * 1024 * 1024)}"}\n${tick(101, T0 + 1_000)}\n`,
    );
    const r = await runCli(['replay', '--input', path]);
    assert.equal(r.code, 0);
    assert.match(r.stderr, /^line 2: longer than 1048576 bytes; skipped$/m);
    assert.match(r.stderr, /replay: 3 lines, 2 ticks, 1 invalid/);
    const candle = JSON.parse(r.stdout.trim().split('\n')[0]!) as { trades: number; close: number };
    assert.deepEqual([candle.trades, candle.close], [2, 101]);
  });

  test('an --alerts or --late path that cannot be opened fails at once, naming it, before any output', async () => {
    for (const flag of ['--alerts', '--late']) {
      for (const path of [join(dir, 'no-such-dir', 'out.jsonl'), dir]) {
        const r = await runCli(['replay', '--input', input, flag, path]);
        assert.equal(r.code, 1, `${flag} ${path}`);
        assert.equal(r.stdout, '', 'no candles written');
        assert.match(r.stderr, /^replay: cannot write the output: (ENOENT|EISDIR)/m);
        assert.ok(r.stderr.includes(path), 'the message names the path');
      }
    }
  });

  test('an output the disk refuses (/dev/full) fails with exit 1 and the error, not a silent 0', async () => {
    const r = await runCli(['replay', '--input', input, '--late', '/dev/full']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^replay: cannot write the output: ENOSPC/m);
  });

  test('prints closed candles as JSONL, reports bad lines by number, and writes alerts', async () => {
    const alerts = join(dir, 'alerts.jsonl');
    const r = await runCli(['replay', '--input', input, '--intervals', '1m,5m', '--alerts', alerts]);
    assert.equal(r.code, 0, r.stderr);
    const candles = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(candles[0], {
      symbol: 'BTC',
      interval: '1m',
      window_start: T0,
      window_end: T0 + 60_000,
      open: 100,
      high: 102,
      low: 100,
      close: 102,
      volume: 2,
      trades: 2,
      vwap: 102,
    });
    assert.deepEqual(
      candles.map((c) => `${String(c['symbol'])} ${String(c['interval'])} ${Number(c['window_start']) - T0}`),
      ['BTC 1m 0', 'BTC 1m 60000', 'BTC 5m 0', 'ETH 1m 0', 'ETH 5m 0'],
    );
    assert.equal(candles[2]!['low'], 1, 'the tick late for 1m still counts in 5m');
    assert.deepEqual(
      [candles[3]!['volume'], candles[3]!['vwap'], candles[3]!['trades']],
      [null, null, 1],
      'ETH ticks carry no size: the volume is unknown, not 0',
    );
    assert.match(r.stderr, /^line 3: not valid JSON/m);
    assert.match(r.stderr, /^line 4: price: must be a finite number greater than 0$/m);
    assert.match(r.stderr, /1 duplicates, 1 late \(0 dropped\)/);
    const alertLines = (await readFile(alerts, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(Object.keys(alertLines[0]!).sort(), [
      'id',
      'interval',
      'rule',
      'symbol',
      'threshold',
      'ts',
      'value',
      'window_start',
    ]);
    assert.equal(alertLines[0]!['rule'], 'price_spike');
  });

  test('reads stdin with --input - and gives the same candles whatever the partition field says', async () => {
    const text = lines
      .filter((l) => typeof l !== 'string')
      .map((l) => JSON.stringify({ ...l, partition: 1 }))
      .join('\n');
    const fromStdin = await runCli(['replay', '--input', '-', '--intervals', '1m,5m'], text);
    const fromFile = await runCli(['replay', '--input', input, '--intervals', '1m,5m']);
    assert.equal(fromStdin.code, 0);
    assert.equal(fromStdin.stdout, fromFile.stdout);
  });

  test('a tick from the future is rejected against received_at or --now, and never stops candles', async () => {
    const year3000 = 32_503_680_000_000;
    const text = [
      { symbol: 'BTC', price: 100, ts: T0 },
      { symbol: 'BTC', price: 5, ts: year3000 }, // no received_at: bounded by --now
      { symbol: 'BTC', price: 6, ts: T0 + 1_000_000, received_at: T0 }, // 16m40s ahead of its receipt
      { symbol: 'BTC', price: 101, ts: T0 + 30_000 },
      { symbol: 'BTC', price: 102, ts: T0 + 75_000 },
      { symbol: 'BTC', price: 7, ts: year3000, received_at: year3000 }, // a forged receipt does not help
    ]
      .map((l) => JSON.stringify(l))
      .join('\n');
    const r = await runCli(
      ['replay', '--input', '-', '--intervals', '1m', '--now', String(T0 + 60_000)],
      text,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      /^line 2: ts: 32503680000000 is 513394679m ahead of its receipt time 1699999260000, beyond the future horizon of 5m$/m,
    );
    assert.match(r.stderr, /^line 3: ts: \d+ is 1000s ahead of its receipt time 1699999200000/m);
    assert.match(
      r.stderr,
      /^line 6: ts: 32503680000000 is 513394679m ahead of its receipt time 1699999260000/m,
    );
    assert.match(r.stderr, /3 invalid, 0 duplicates, 0 late/);
    const candles = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(
      candles.map((c) => [Number(c['window_start']) - T0, c['open'], c['close'], c['trades']]),
      [
        [0, 100, 101, 2],
        [60_000, 102, 102, 1],
      ],
    );
    const wide = await runCli(
      ['replay', '--input', '-', '--intervals', '1m', '--future-horizon', '1h'],
      text,
    );
    assert.match(wide.stderr, /^line 2: .*beyond the future horizon of 1h$/m, 'the wall clock bounds line 2');
    assert.match(wide.stderr, /2 invalid/, 'line 3 is within an hour of its receipt');
    const badNow = await runCli(['replay', '--input', '-', '--now', 'yesterday'], text);
    assert.equal(badNow.code, 2);
    assert.match(badNow.stderr, /--now: "yesterday" is not integer epoch milliseconds/);
  });

  test('exit 1 when the input cannot be read, 2 for bad usage, with a precise message', async () => {
    const missing = await runCli(['replay', '--input', join(dir, 'nope.jsonl')]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /cannot read input: ENOENT/);
    assert.equal(missing.stdout, '');
    const noInput = await runCli(['replay']);
    assert.equal(noInput.code, 2);
    assert.match(noInput.stderr, /--input is required/);
    const badFlag = await runCli(['replay', '--input', input, '--out-of-orderness', 'soon', '--bogus', 'x']);
    assert.equal(badFlag.code, 2);
    assert.match(badFlag.stderr, /bogus/);
  });

  test('--help lists options and settings with their defaults', async () => {
    const r = await runCli(['replay', '--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /--out-of-orderness/);
    assert.match(r.stdout, /env TICKFLOW_OUT_OF_ORDERNESS, default 10s/);
  });
});
