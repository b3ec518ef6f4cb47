import { type DecodedTick, decodeRecord, decodeTick, RecordScanner } from './record-parse.js';
import type { EventTimeBound, Tick } from './tick.js';
import type { EpochMs } from './time.js';

/** Where decoded lines go: each valid tick in line order, and each invalid line with its number. */
export interface TickLineSink {
  tick(tick: Tick): void;
  invalid(lineNo: number, reason: string): void;
}

const NEWLINE = 10;
const RETURN = 13;

/**
 * Decodes JSONL tick lines (`tickflow replay`, the `file` source), many at a time, from their UTF-8 bytes.
 * A line ends at "\n" or "\r\n"; a line of nothing but whitespace is skipped. A line in the common shape
 * is scanned in place into a reused record and validated from there; any other line is decoded as text by
 * `decodeTick`, which also gives the reason a line is invalid. Both give the same tick for the same line.
 */
export class TickLineDecoder {
  private readonly scanner = new RecordScanner();

  constructor(private readonly sink: TickLineSink) {}

  /**
   * Decodes the lines of `bytes`, the first of them numbered `firstLineNo`, and returns how many lines it
   * had (a final line needs no end). `now` is the receipt time of lines without `received_at` (see
   * `validateTick`).
   */
  decode(bytes: Buffer, firstLineNo: number, now: EpochMs | null, bound?: EventTimeBound): number {
    const { scanner, sink } = this;
    const n = bytes.length;
    let lineNo = firstLineNo;
    let start = 0;
    while (start < n) {
      let result: DecodedTick | null = null;
      let next: number;
      const end = scanner.scan(bytes, start);
      const after = end >= 0 && bytes[end] === RETURN && bytes[end + 1] === NEWLINE ? end + 1 : end;
      if (end >= 0 && (after === n || bytes[after] === NEWLINE)) {
        next = after;
        result = decodeRecord(scanner.record, now, bound);
      } else {
        next = bytes.indexOf(NEWLINE, start);
        if (next === -1) next = n;
        const last = next > start && bytes[next - 1] === RETURN ? next - 1 : next;
        const text = bytes.toString('utf8', start, last);
        if (text.trim() !== '') result = decodeTick(text, now, bound);
      }
      if (result?.ok === true) sink.tick(result.tick);
      else if (result !== null) sink.invalid(lineNo, result.reason);
      lineNo++;
      start = next + 1;
    }
    return lineNo - firstLineNo;
  }

  /** Reports line `lineNo` as skipped for being longer than `limit` bytes; returns 1, the lines it was. */
  overlong(lineNo: number, limit: number): number {
    this.sink.invalid(lineNo, `longer than ${limit} bytes; skipped`);
    return 1;
  }
}
