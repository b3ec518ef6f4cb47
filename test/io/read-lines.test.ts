import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { readLineBatches } from '../../src/io/read-lines.js';

/** Every line with its number, from a stream that delivers `chunks` as they are. */
async function linesOf(chunks: readonly Buffer[]): Promise<[number, string][]> {
  const out: [number, string][] = [];
  for await (const batch of readLineBatches(Readable.from(chunks, { objectMode: false }))) {
    batch.lines.forEach((line, i) => out.push([batch.firstLineNo + i, line]));
  }
  return out;
}

test('lines end at \\n or \\r\\n, the last needs no end, and numbers run on across chunks', async () => {
  const text = 'a\r\nbb\n\nccc\r\nlast';
  for (let cut = 0; cut <= text.length; cut++) {
    const chunks = [Buffer.from(text.slice(0, cut)), Buffer.from(text.slice(cut))];
    assert.deepEqual(
      await linesOf(chunks),
      [
        [1, 'a'],
        [2, 'bb'],
        [3, ''],
        [4, 'ccc'],
        [5, 'last'],
      ],
      `cut at ${cut}`,
    );
  }
});

test('a character split between two chunks is read whole', async () => {
  const bytes = Buffer.from('{"symbol":"€"}\nnext\n');
  const at = bytes.indexOf(0xe2) + 1; // inside the three bytes of €
  assert.deepEqual(await linesOf([bytes.subarray(0, at), bytes.subarray(at)]), [
    [1, '{"symbol":"€"}'],
    [2, 'next'],
  ]);
});

test('an empty stream has no lines, and a final newline adds none', async () => {
  assert.deepEqual(await linesOf([]), []);
  assert.deepEqual(await linesOf([Buffer.from('x\n')]), [[1, 'x']]);
});
