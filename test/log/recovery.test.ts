import assert from 'node:assert/strict';
import { appendFile, readdir, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { EmbeddedLog } from '../../src/log/embedded-log.js';
import { pino } from 'pino';
import { code, openLog, readAll, tempDir } from './log-harness.js';

const segmentsOf = async (dir: string): Promise<string[]> =>
  (await readdir(dir))
    .filter((f) => f.endsWith('.log'))
    .sort()
    .map((f) => join(dir, f));

/** A logger that keeps its records, to check what recovery reported. */
function recordingLogger(): { logger: pino.Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = pino(
    { level: 'info' },
    { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) },
  );
  return { logger, lines };
}

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
      const { logger, lines } = recordingLogger();
      const reopened = new EmbeddedLog(path, logger);
      await reopened.start();
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
      (await readAll(final, 't')).map((r) => [r.offset, r.value]),
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

  test('damage inside an older segment is never silently cut: refused at open or at read, with TF_LOG_CORRUPT', async () => {
    const path = join(dir, 'damaged');
    const options = { segmentBytes: 200 };
    const log = await openLog(path, options);
    await log.ensureTopic('t', 1);
    for (let i = 0; i < 10; i++) {
      await log.producer().send('t', [{ key: 'k', value: `record-${i}-${'y'.repeat(60)}` }]);
    }
    await log.close();
    const segments = await segmentsOf(join(path, 'topics', 't', '0'));
    assert.ok(segments.length >= 3);
    const original = await readFile(segments[0]!);

    // A broken frame length is found by the structural scan at open (and the failed open lets go of the lock).
    const badLength = Buffer.from(original);
    badLength.writeUInt32BE(0xffffffff, 0);
    await writeFile(segments[0]!, badLength);
    await assert.rejects(openLog(path, options), code('TF_LOG_CORRUPT'));

    // A flipped bit inside a value is caught by the CRC check of the read that reaches it.
    const badValue = Buffer.from(original);
    badValue[badValue.length - 3]! ^= 0xff;
    await writeFile(segments[0]!, badValue);
    const opened = await openLog(path, options);
    await assert.rejects(readAll(opened, 't'), code('TF_LOG_CORRUPT'));
    await opened.close();

    await writeFile(segments[0]!, original);
    const repaired = await openLog(path, options);
    assert.equal((await readAll(repaired, 't')).length, 10);
    await repaired.close();
  });
});
