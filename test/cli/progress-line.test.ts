import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { ProgressLine } from '../../src/cli/progress-line.js';

/** A stream that keeps what is written to it, calling itself a terminal or not. */
function stream(isTTY: boolean): Writable & { text: string } {
  const out = Object.assign(
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        out.text += chunk.toString();
        done();
      },
    }),
    { text: '', isTTY },
  );
  return out;
}

test('on a terminal, the line is redrawn at most every 500 ms with the count and rate, then cleared', async () => {
  const tty = stream(true);
  let now = 1_000;
  const progress = new ProgressLine(tty, 'replay', () => now);
  progress.update(100); // too soon
  now += 500;
  progress.update(600_000);
  now += 100;
  progress.update(700_000); // too soon again
  now += 500;
  progress.update(1_100_000);
  progress.done();
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(
    tty.text,
    '\r\u001b[Kreplay: 600,000 lines (1,200,000 lines/s)' +
      '\r\u001b[Kreplay: 1,100,000 lines (1,000,000 lines/s)' +
      '\r\u001b[K',
  );
});

test('anywhere else, nothing is written', async () => {
  const pipe = stream(false);
  let now = 0;
  const progress = new ProgressLine(pipe, 'replay', () => now);
  for (let i = 1; i <= 10; i++) {
    now += 1_000;
    progress.update(i * 1_000);
  }
  progress.done();
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(pipe.text, '');
});
