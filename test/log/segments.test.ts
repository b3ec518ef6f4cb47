import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { handlersFrom, openLog, readAll, tempDir } from './log-harness.js';

const value = (i: number): string => `record-${String(i).padStart(4, '0')}-${'z'.repeat(80)}`;

describe('embedded log: segments and retention', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  before(async () => ({ dir, cleanup } = await tempDir()));
  after(() => cleanup());

  test('segments roll at the size limit, named by base offset, and reads span them (also after reopen)', async () => {
    const path = join(dir, 'roll');
    const options = { segmentBytes: 1024, indexIntervalBytes: 256 };
    const log = await openLog(path, options);
    await log.ensureTopic('t', 1);
    for (let i = 0; i < 100; i += 5) {
      await log.producer().send(
        't',
        [0, 1, 2, 3, 4].map((j) => ({ key: 'k', value: value(i + j) })),
      );
    }
    const files = (await readdir(join(path, 'topics', 't', '0'))).filter((f) => f.endsWith('.log')).sort();
    assert.ok(files.length >= 10, `${files.length} segments`);
    assert.equal(files[0], '00000000000000000000.log');
    assert.deepEqual(log.partitions('t')[0]!.segments, files.length);
    const expected = Array.from({ length: 100 }, (_, i) => value(i));
    assert.deepEqual(
      (await readAll(log, 't')).map((r) => r.value),
      expected,
    );
    const consumer = await log.consumer('mid', 't', handlersFrom(new Map([[0, 37]])));
    assert.deepEqual(
      (await consumer.poll(20, 0)).map((r) => Number(r.offset)),
      Array.from({ length: 20 }, (_, i) => 37 + i),
    );
    await consumer.close();
    await log.close();
    const reopened = await openLog(path, options);
    assert.deepEqual(
      (await readAll(reopened, 't')).map((r) => [Number(r.offset), r.value]),
      expected.map((v, i) => [i, v]),
    );
    await reopened.close();
  });

  test('size retention deletes whole old segments; a consumer behind them restarts at the oldest kept', async () => {
    const path = join(dir, 'size');
    const log = await openLog(path, { segmentBytes: 1024, retentionBytes: 3000 });
    await log.ensureTopic('t', 1);
    for (let i = 0; i < 60; i++) await log.producer().send('t', [{ key: 'k', value: value(i) }]);
    const behind = await log.consumer('behind', 't', handlersFrom(new Map([[0, 0]])));
    const deleted = await log.enforceRetention();
    const [info] = log.partitions('t');
    assert.ok(deleted > 0 && info!.startOffset > 0, `deleted ${deleted}, start ${info!.startOffset}`);
    assert.ok(info!.bytes < 3000 + 1024, `${info!.bytes} bytes kept`);
    assert.equal(info!.endOffset, 60);
    const records = await behind.poll(1000, 0);
    assert.equal(Number(records[0]!.offset), info!.startOffset);
    assert.deepEqual(
      records.map((r) => r.value),
      Array.from({ length: 60 - info!.startOffset }, (_, i) => value(info!.startOffset + i)),
    );
    await behind.close();
    // A start offset below the oldest retained one also starts at the oldest.
    const late = await log.consumer('late', 't', handlersFrom(new Map([[0, 1]])));
    assert.equal(Number((await late.poll(1, 0))[0]!.offset), info!.startOffset);
    const past = await log.consumer('past', 't', handlersFrom(new Map([[0, 61]])));
    assert.deepEqual(past.positions(), new Map([[0, 60n]]), 'a start past the end starts at the end');
    await past.close();
    await late.close();
    await log.close();
    const reopened = await openLog(path, { segmentBytes: 1024, retentionBytes: 3000 });
    assert.equal(reopened.partitions('t')[0]!.startOffset, info!.startOffset);
    await reopened.close();
  });

  test('age retention deletes segments whose newest record is older than the limit, never the active one', async () => {
    const path = join(dir, 'age');
    let now = 1_000_000;
    const options = { segmentBytes: 1024, retentionMs: 60_000, now: () => now };
    const log = await openLog(path, options);
    await log.ensureTopic('t', 1);
    for (let i = 0; i < 40; i++) await log.producer().send('t', [{ key: 'k', value: value(i) }]);
    now += 30_000;
    for (let i = 40; i < 80; i++) await log.producer().send('t', [{ key: 'k', value: value(i) }]);
    assert.equal(await log.enforceRetention(), 0);
    now += 45_000;
    assert.ok((await log.enforceRetention()) > 0);
    const [info] = log.partitions('t');
    // Only segments holding nothing newer than the limit go: the one that straddles offset 40 stays whole.
    const perSegment = Math.floor(1024 / (value(0).length + 31));
    assert.ok(info!.startOffset > 40 - perSegment && info!.startOffset <= 40, `start ${info!.startOffset}`);
    const kept = await readAll(log, 't');
    assert.deepEqual(
      kept.map((r) => Number(r.offset)),
      Array.from({ length: 80 - info!.startOffset }, (_, i) => info!.startOffset + i),
    );
    now += 10 * 60_000;
    await log.enforceRetention();
    assert.equal(log.partitions('t')[0]!.segments, 1);
    assert.equal(log.partitions('t')[0]!.endOffset, 80);
    await log.close();
  });
});
