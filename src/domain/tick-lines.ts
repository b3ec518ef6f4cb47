import { decodeRecord, decodeTick, RecordScanner } from './record-parse.js';
import type { EventTimeBound, Tick } from './tick.js';
import type { EpochMs } from './time.js';

/** Where decoded lines go: each valid tick in line order, and each invalid line with its number. */
export interface TickLineSink {
  tick(tick: Tick): void;
  invalid(lineNo: number, reason: string): void;
}

/**
 * Decodes JSONL tick lines (`tickflow replay`, the `file` source), many at a time. A line ends at "\n" or
 * "\r\n"; a line of nothing but whitespace is skipped. A line in the common shape is scanned in place into
 * a reused record and validated from there; any other line is decoded by `decodeTick`, which also gives
 * the reason a line is invalid. Both give the same tick for the same line.
 */
export class TickLineDecoder {
  private readonly scanner = new RecordScanner();

  constructor(private readonly sink: TickLineSink) {}

  /**
   * Decodes the lines of `text`, the first of them numbered `firstLineNo`, and returns how many lines it
   * had (a final line needs no end). `now` is the receipt time of lines without `received_at` (see
   * `validateTick`).
   */
  decode(text: string, firstLineNo: number, now: EpochMs | null, bound?: EventTimeBound): number {
    const { scanner, sink } = this;
    let lineNo = firstLineNo;
    let start = 0;
    while (start < text.length) {
      let next = text.indexOf('\n', start);
      if (next === -1) next = text.length;
      const end = next > start && text.charCodeAt(next - 1) === 13 ? next - 1 : next;
      if (end > start && (text.charCodeAt(start) > 32 || text.slice(start, end).trim() !== '')) {
        const result = scanner.scan(text, start, end)
          ? decodeRecord(scanner.record, now, bound)
          : decodeTick(text.slice(start, end), now, bound);
        if (result.ok) sink.tick(result.tick);
        else sink.invalid(lineNo, result.reason);
      }
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
