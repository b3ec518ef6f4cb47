import type { DamagedRange } from './damage.js';
import { checkFrame, decodeFrame, type DecodedRecord } from './record-codec.js';

/** A record, or damaged bytes standing for the offsets of the records they held. */
export type SegmentEntry = DecodedRecord | { readonly damaged: DamagedRange };

/** Where a read stands: the file position of the next frame and the offset it must have. */
export interface ReadCursor {
  pos: number;
  expected: number;
}

export interface ChunkResult {
  /** Why the frame at `cursor` does not check out, or null. */
  readonly problem: string | null;
  /** When nothing could be decoded: the size of the frame at `cursor`, which the chunk does not hold. */
  readonly needBytes: number;
}

/**
 * Decodes the frames of `buf[0, got)` (the file from `cursor.pos`) into `out`, skipping those before
 * `offset`, until `out` holds `maxRecords`; advances `cursor` past each frame it consumes. A wanted frame
 * must pass its CRC; every frame must have the offset that follows the one before.
 */
export function decodeChunk(
  buf: Buffer,
  got: number,
  cursor: ReadCursor,
  offset: number,
  maxRecords: number,
  out: SegmentEntry[],
): ChunkResult {
  let p = 0;
  while (out.length < maxRecords && p < got) {
    const frame = checkFrame(buf, p, got, false);
    if (frame.status === 'incomplete') return { problem: null, needBytes: p === 0 ? frame.size : 0 };
    if (frame.status === 'corrupt') return { problem: frame.reason, needBytes: 0 };
    if (frame.offset !== cursor.expected) {
      return { problem: `offset ${frame.offset} where ${cursor.expected} was expected`, needBytes: 0 };
    }
    if (frame.offset >= offset) {
      if (checkFrame(buf, p, got, true).status !== 'ok') return { problem: 'CRC mismatch', needBytes: 0 };
      out.push(decodeFrame(buf, p));
    }
    p += frame.size;
    cursor.pos += frame.size;
    cursor.expected += 1;
  }
  return { problem: null, needBytes: 0 };
}
