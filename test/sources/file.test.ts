import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FileSource } from '../../src/sources/file.js';
import { captureLogger, collector } from './helpers.js';

const T0 = 1_699_999_200_000;

describe('file source', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tickflow-file-source-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('replays valid lines in batches, counts and logs invalid ones by line number, then stops', async () => {
    const path = join(dir, 'ticks.jsonl');
    const lines = [
      JSON.stringify({ symbol: 'btc', price: 100, ts: T0, volume: 2, seq: 7 }),
      'not json',
      '',
      JSON.stringify({ symbol: 'BTC', price: -1, ts: T0 }),
      JSON.stringify({ symbol: 'ETH', price: 10, ts: T0 + 1, received_at: T0 + 5, source: 'coinbase' }),
      JSON.stringify({ symbol: 'ETH', price: 11, ts: T0 + 2 }),
    ];
    await writeFile(path, `${lines.join('\n')}\n`);
    const log = captureLogger();
    const out = collector();
    const source = new FileSource({ path, logger: log.logger, clock: () => T0 + 60_000, batchSize: 2 });
    await source.start(out.sink);
    await source.done;

    assert.deepEqual(
      out.batches.map((b) => b.length),
      [2, 1],
    );
    assert.deepEqual(out.ticks[0], {
      symbol: 'BTC',
      price: 100,
      ts: T0,
      receivedAt: T0 + 60_000,
      source: 'file',
      volume: 2,
      seq: '7',
      change24h: null,
      volume24h: null,
    });
    assert.equal(out.ticks[1]!.receivedAt, T0 + 5);
    assert.equal(out.ticks[1]!.source, 'coinbase');
    const status = source.status();
    assert.equal(status.state, 'stopped');
    assert.equal(status.rejected, 2);
    assert.equal(status.lastError, 'line 4: price: must be a finite number greater than 0');
    assert.deepEqual(
      log.at('warn').map((l) => [l['line'], l['reason']]),
      [
        [2, `not valid JSON (Unexpected token 'o', "not json" is not valid JSON)`],
        [4, 'price: must be a finite number greater than 0'],
      ],
    );
    await source.close();
  });

  test('a file that cannot be read leaves the source down with the reason; it does not throw', async () => {
    const source = new FileSource({ path: join(dir, 'missing.jsonl'), logger: captureLogger().logger });
    await source.start(collector().sink);
    await source.done;
    assert.equal(source.status().state, 'down');
    assert.match(source.status().lastError ?? '', /cannot read .*missing\.jsonl: ENOENT/);
    await source.close();
  });

  test('logs the first invalid lines and then only counts them', async () => {
    const path = join(dir, 'bad.jsonl');
    await writeFile(path, 'x\n'.repeat(10));
    const log = captureLogger();
    const source = new FileSource({ path, logger: log.logger, logLimit: 3 });
    await source.start(collector().sink);
    await source.done;
    assert.equal(source.status().rejected, 10);
    assert.equal(log.at('warn').length, 4, 'three lines and one notice');
  });
});
