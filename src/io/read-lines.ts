import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

/** Yields the lines of a text stream with their 1-based line numbers. */
export async function* readLines(input: Readable): AsyncGenerator<{ line: string; lineNo: number }> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  let lineNo = 0;
  for await (const line of lines) {
    lineNo++;
    yield { line, lineNo };
  }
}
