import assert from 'node:assert/strict';
import { appendFile, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { EmbeddedLogOptions } from '../../src/log/embedded-log-options.js';
import { EmbeddedLog } from '../../src/log/embedded-log.js';
import type { LogRecord } from '../../src/log/log.js';
import { ERROR, recordingLogger } from '../support/recording-logger.js';
import { openLog, readAll, tempDir } from './log-harness.js';

const segmentsOf = async (dir: string): Promise<string[]> =>
  (await readdir(dir))
    .filter((f) => f.endsWith('.log'))
    .sort()
    .map((f) => join(dir, f));

/** Opens the log with a logger that keeps its lines. */
async function openRecorded(path: string, options: EmbeddedLogOptions = {}) {
  const { logger, lines } = recordingLogger();
  const log = new EmbeddedLog(path, logger, options);
  await log.start();
  return { log, lines };
}

/** What a reader sees: values, and `!first-last` for a placeholder of unreadable records. */
/** Ten records of 80 bytes, one per append, in 200-byte segments (so over several files), then closed. */
async function tenRecordsInSmallSegments(path: string) {
  const options = { segmentBytes: 200 };
  const log = await openLog(path, options);
  await log.ensureTopic('t', 1);
  const values = Array.from({ length: 10 }, (_, i) => `record-${i}-${'y'.repeat(60)}`);
  for (const value of values) await log.producer().send('t', [{ key: 'k', value }]);
  await log.close();
  return { options, values, segments: await segmentsOf(join(path, 'topics', 't', '0')) };
}

const seen = (records: readonly LogRecord[]): string[] =>
  records.map((r) => (r.unreadable === undefined ? r.value : `!${r.offset}-${r.unreadable.lastOffset}`));

const damageLines = (lines: readonly Record<string, unknown>[]) =>
  lines.filter(
    (l) => l.msg === 'log: damaged records in a segment; they stay in the file and readers skip them',
  );

describe('embedded log: recovery from torn and damaged files', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  before(async () => ({ dir, cleanup } = await tempDir()));
  after(() => cleanup());

  test('a torn tail is truncated and logged at open; every complete record is still there', async () => {
    const path = join(dir, 'torn');
    const log = await openLog(path);
    await log.ensureTopic('t', 1);
    const values = Array.from({ length: 20 }, (_, i) => `value-${i}-${'x'.repeat(i * 3)}`);
    await log.producer().send(
      't',
      values.map((value) => ({ key: 'k', value })),
    );
    await log.close();
    const [segment] = await segmentsOf(join(path, 'topics', 't', '0'));
    const size = (await stat(segment!)).size;
    for (const cut of [1, 5, 17]) {
      await truncate(segment!, size - cut);
      const { log: reopened, lines } = await openRecorded(path);
      const read = await readAll(reopened, 't');
      assert.deepEqual(
        read.map((r) => r.value),
        values.slice(0, 19),
        `cut ${cut} bytes`,
      );
      const warning = lines.find((l) => l.msg === 'log: truncated a torn tail left by a crash');
      assert.ok(
        warning !== undefined && typeof warning.droppedBytes === 'number' && warning.droppedBytes > 0,
      );
      await reopened.producer().send('t', [{ key: 'k', value: values[19]! }]);
      await reopened.close();
    }
    const final = await openLog(path);
    assert.deepEqual(
      (await readAll(final, 't')).map((r) => [Number(r.offset), r.value]),
      values.map((v, i) => [i, v]),
    );
    await final.close();
  });

  test('garbage appended after the last record (a write cut mid-frame) is truncated', async () => {
    const path = join(dir, 'garbage');
    const log = await openLog(path);
    await log.ensureTopic('t', 1);
    await log.producer().send('t', [
      { key: 'a', value: 'one' },
      { key: 'a', value: 'two' },
    ]);
    await log.close();
    const [segment] = await segmentsOf(join(path, 'topics', 't', '0'));
    const good = (await stat(segment!)).size;
    await appendFile(segment!, Buffer.from([0, 0, 0, 40, 1, 2, 3, 4, 1, 0, 0]));
    const reopened = await openLog(path);
    assert.deepEqual(
      (await readAll(reopened, 't')).map((r) => r.value),
      ['one', 'two'],
    );
    await reopened.close();
    assert.equal((await stat(segment!)).size, good);
  });

  test('damage inside an older segment is skipped, never cut: a broken frame length (found at open) or a flipped value byte (found by a read) becomes a placeholder for its offset', async () => {
    const path = join(dir, 'damaged');
    const { options, values, segments } = await tenRecordsInSmallSegments(path);
    assert.ok(segments.length >= 3);
    const original = await readFile(segments[0]!);
    const frame = original.length / 2;

    const badLength = Buffer.from(original);
    badLength.writeUInt32BE(0xffffffff, 0);
    await writeFile(segments[0]!, badLength);
    const first = await openRecorded(path, options);
    const read = await readAll(first.log, 't');
    assert.deepEqual(seen(read), ['!0-0', ...values.slice(1)]);
    assert.deepEqual(read[0]!.unreadable, {
      lastOffset: 0n,
      reason: 'bad frame length 4294967295',
      location: { file: segments[0], start: 0, end: frame },
    });
    assert.deepEqual(
      damageLines(first.lines).map((l) => [l.level, l.foundBy, l.lost]),
      [[ERROR, 'open', 1]],
    );
    await first.log.close();
    assert.deepEqual(await readFile(segments[0]!), badLength, 'the damaged segment is left as it was');

    const badValue = Buffer.from(original);
    badValue[badValue.length - 3]! ^= 0xff;
    await writeFile(segments[0]!, badValue);
    const second = await openRecorded(path, options);
    assert.deepEqual(seen(await readAll(second.log, 't')), [values[0], '!1-1', ...values.slice(2)]);
    assert.deepEqual(seen(await readAll(second.log, 't')), [values[0], '!1-1', ...values.slice(2)]);
    assert.deepEqual(
      damageLines(second.lines).map((l) => [l.foundBy, l.bytes, l.offsets, l.reason]),
      [['read', { start: frame, end: 2 * frame }, { first: 1, last: 1 }, 'CRC mismatch']],
      'reported once, by the read that found it',
    );
    await second.log.close();

    await writeFile(segments[0]!, original);
    const repaired = await openLog(path, options);
    assert.deepEqual(seen(await readAll(repaired, 't')), values);
    await repaired.close();
  });

  test('4 bytes flipped in the middle of the newest segment: the records after them stay on disk and readable, the damage is reported, and appends go on after the last intact record', async () => {
    const path = join(dir, 'flipped');
    const log = await openLog(path);
    await log.ensureTopic('t', 1);
    const values = Array.from(
      { length: 1000 },
      (_, i) => `tick-${String(i).padStart(4, '0')}-${'p'.repeat(170)}`,
    );
    await log.producer().send(
      't',
      values.map((value) => ({ key: 'BTC', value })),
    );
    await log.close();
    const [segment] = await segmentsOf(join(path, 'topics', 't', '0'));
    const bytes = await readFile(segment!);
    const frame = bytes.length / values.length;
    bytes.writeUInt32BE(~bytes.readUInt32BE(300 * frame + 100) >>> 0, 300 * frame + 100); // in a value
    bytes.writeUInt32BE(bytes.readUInt32BE(600 * frame) + 10_000_000, 600 * frame); // a length past the end
    await writeFile(segment!, bytes);

    const { log: reopened, lines } = await openRecorded(path);
    assert.equal((await stat(segment!)).size, bytes.length, 'nothing was cut');
    const expected = values.map((v, i) => (i === 300 || i === 600 ? `!${i}-${i}` : v));
    assert.deepEqual(seen(await readAll(reopened, 't')), expected);
    assert.deepEqual(
      damageLines(lines).map((l) => [l.level, l.file, l.bytes, l.lost]),
      [
        [ERROR, segment, { start: 300 * frame, end: 301 * frame }, 1],
        [ERROR, segment, { start: 600 * frame, end: 601 * frame }, 1],
      ],
    );
    await reopened.producer().send('t', [{ key: 'BTC', value: 'after' }]);
    assert.equal(reopened.partitions('t')[0]!.endOffset, 1001);
    await reopened.close();
    const again = await openLog(path);
    const all = await readAll(again, 't');
    assert.deepEqual(seen(all), [...expected, 'after']);
    assert.equal(all.at(-1)!.offset, 1000n);
    await again.close();
  });

  test('a damaged last record that no intact record follows is cut off the newest segment, its bytes saved beside it', async () => {
    const path = join(dir, 'damaged-tail');
    const log = await openLog(path);
    await log.ensureTopic('t', 1);
    const values = Array.from({ length: 10 }, (_, i) => `value-${i}`);
    await log.producer().send(
      't',
      values.map((value) => ({ key: 'k', value })),
    );
    await log.close();
    const [segment] = await segmentsOf(join(path, 'topics', 't', '0'));
    const bytes = await readFile(segment!);
    const frame = bytes.length / 10;
    bytes[bytes.length - 2]! ^= 0xff;
    await writeFile(segment!, bytes);

    const { log: reopened, lines } = await openRecorded(path);
    assert.deepEqual(seen(await readAll(reopened, 't')), values.slice(0, 9));
    assert.equal((await stat(segment!)).size, 9 * frame);
    const saved = `${segment}.${9 * frame}-${10 * frame}.damaged`;
    assert.deepEqual(await readFile(saved), bytes.subarray(9 * frame));
    const cut = lines.find(
      (l) => l.level === ERROR && typeof l.msg === 'string' && l.msg.startsWith('log: cut a damaged tail'),
    );
    assert.equal(cut?.savedTo, saved);
    await reopened.close();
  });

  test('a deleted segment in the middle leaves one placeholder for its offsets, reported at open; the rest is read', async () => {
    const path = join(dir, 'deleted');
    const { options, values, segments } = await tenRecordsInSmallSegments(path);
    await rm(segments[2]!);
    const { log: reopened, lines } = await openRecorded(path, options);
    const read = await readAll(reopened, 't');
    assert.deepEqual(seen(read), [...values.slice(0, 4), '!4-5', ...values.slice(6)]);
    assert.equal(read[4]!.unreadable?.location, null);
    assert.ok(lines.some((l) => l.level === ERROR && l.lost === 2));
    await reopened.close();
  });
});
