import type { Readable } from 'node:stream';

/** Lines of a text stream, many at a time: `lines[i]` is line `firstLineNo + i` (1-based). */
export interface LineBatch {
  readonly lines: readonly string[];
  readonly firstLineNo: number;
}

/**
 * Yields the lines of a UTF-8 text stream in batches, one per chunk read, split by hand: a line ends at
 * "\n" or "\r\n", and the last line needs no end. Iterating once per chunk rather than once per line (as
 * readline's async iterator does) keeps a replay's time in decoding ticks rather than in promises.
 */
export async function* readLineBatches(input: Readable): AsyncGenerator<LineBatch> {
  input.setEncoding('utf8');
  let carry = '';
  let lineNo = 1;
  for await (const chunk of input as AsyncIterable<string>) {
    const text = carry + chunk;
    const lines: string[] = [];
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      lines.push(
        text.charCodeAt(end - 1) === 13 && end > start ? text.slice(start, end - 1) : text.slice(start, end),
      );
      start = end + 1;
    }
    carry = text.slice(start);
    if (lines.length === 0) continue;
    yield { lines, firstLineNo: lineNo };
    lineNo += lines.length;
  }
  if (carry !== '') yield { lines: [carry.endsWith('\r') ? carry.slice(0, -1) : carry], firstLineNo: lineNo };
}
