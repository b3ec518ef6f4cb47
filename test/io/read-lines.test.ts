import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { readWholeLines } from '../../src/io/read-lines.js';

/** The pieces read from a stream that delivers `chunks` as they are; a skipped line shows as `<over N>`. */
async function piecesOf(chunks: readonly (Buffer | string)[], maxLineBytes?: number): Promise<string[]> {
  const out: string[] = [];
  for await (const piece of readWholeLines(Readable.from(chunks, { objectMode: false }), maxLineBytes)) {
    out.push(Buffer.isBuffer(piece) ? piece.toString('utf8') : `<over ${piece.limit}>`);
  }
  return out;
}

test('pieces hold whole lines: all but the last end in \\n, and together they are the text', async () => {
  const text = 'a\r\nbb\n\nccc\r\nlast';
  for (let cut = 0; cut <= text.length; cut++) {
    const pieces = await piecesOf([Buffer.from(text.slice(0, cut)), Buffer.from(text.slice(cut))]);
    assert.equal(pieces.join(''), text, `cut at ${cut}`);
    for (const piece of pieces.slice(0, -1)) assert.ok(piece.endsWith('\n'), `cut at ${cut}: ${piece}`);
    assert.equal(pieces.at(-1)?.includes('last'), true);
    assert.ok(
      pieces.every((piece) => piece !== ''),
      `cut at ${cut}: no empty piece`,
    );
  }
});

test('a character split between two chunks is read whole, ASCII or not', async () => {
  const bytes = Buffer.from('{"symbol":"€"}\nnext\n');
  for (let at = 1; at < bytes.length; at++) {
    const pieces = await piecesOf([bytes.subarray(0, at), bytes.subarray(at)]);
    assert.deepEqual(pieces.join('').split('\n'), ['{"symbol":"€"}', 'next', ''], `cut at ${at}`);
    for (const piece of pieces) assert.ok(piece.endsWith('\n'), `cut at ${at}: ${piece}`);
  }
});

test('an empty stream gives nothing, a stream of strings is read as its bytes', async () => {
  assert.deepEqual(await piecesOf([]), []);
  assert.deepEqual(await piecesOf(['x\ny', 'z\n']), ['x\n', 'yz\n']);
});

test('a line carried past the limit is skipped as it is read, and the lines around it are kept', async () => {
  const long = 'x'.repeat(2_500);
  const text = `first\n${long}\nsecond\n${long}`;
  for (const size of [100, 333, 1_000]) {
    const chunks: string[] = [];
    for (let at = 0; at < text.length; at += size) chunks.push(text.slice(at, at + size));
    const pieces = await piecesOf(chunks, 1_000);
    const lines = pieces.join('').split('\n');
    assert.deepEqual(
      lines.filter((l) => !l.startsWith('x')).map((l) => l.replace(/x+$/, '')),
      ['first', '<over 1000>second', '<over 1000>'],
      `chunks of ${size}`,
    );
  }
});

test('a line exactly at the limit is kept', async () => {
  const line = 'y'.repeat(1_000);
  assert.deepEqual(
    (await piecesOf([line.slice(0, 600), `${line.slice(600)}\nz\n`], 1_000)).join(''),
    `${line}\nz\n`,
  );
});
