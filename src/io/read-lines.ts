import type { Readable } from 'node:stream';

/**
 * The longest line kept whole: a tick line is about 100 bytes, so 1 MiB is far beyond any real one, and a
 * file without line ends (or a hostile one) cannot make the reader hold it all.
 */
export const MAX_LINE_BYTES = 1024 * 1024;

/** A line that ran past the limit: it was skipped unread, and counts as one line. */
export interface OverlongLine {
  readonly overlong: true;
  /** The limit it broke, bytes. */
  readonly limit: number;
}

/**
 * Yields a UTF-8 byte stream piece by piece, each piece holding only whole lines: it is cut after its last
 * "\n", and the rest is carried to the next piece (the last piece may end without "\n"). A character is
 * never split, since "\n" is never part of one. Reading many lines at a time rather than a line at a time
 * (as readline's async iterator does) keeps a replay's time in decoding ticks rather than in promises. A
 * line that grows past `maxLineBytes` while carried across chunks is dropped as it is read and yields an
 * OverlongLine in its place; so no line held is longer than `maxLineBytes` or the input's chunk size,
 * whichever is larger.
 */
export async function* readWholeLines(
  input: Readable,
  maxLineBytes = MAX_LINE_BYTES,
): AsyncGenerator<Buffer | OverlongLine> {
  const overlong: OverlongLine = { overlong: true, limit: maxLineBytes };
  let carry: Buffer | null = null;
  let skipping = false;
  for await (const data of input as AsyncIterable<Buffer | string>) {
    let bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    if (skipping || carry !== null) {
      // The line begun in the chunk before ends here: it is a piece of its own, so the chunk is not copied.
      const end = bytes.indexOf(10);
      if (end === -1) {
        if (!skipping && carry !== null && carry.length + bytes.length <= maxLineBytes) {
          carry = Buffer.concat([carry, bytes]);
        } else {
          skipping = true;
          carry = null;
        }
        continue;
      }
      if (skipping || carry === null || carry.length + end > maxLineBytes) yield overlong;
      else yield Buffer.concat([carry, bytes.subarray(0, end + 1)]);
      carry = null;
      skipping = false;
      bytes = bytes.subarray(end + 1);
    }
    const cut = bytes.lastIndexOf(10);
    if (cut === -1) {
      if (bytes.length > 0) carry = bytes;
      continue;
    }
    if (cut + 1 < bytes.length) carry = bytes.subarray(cut + 1);
    yield bytes.subarray(0, cut + 1);
  }
  if (skipping) yield overlong;
  else if (carry !== null) yield carry;
}
