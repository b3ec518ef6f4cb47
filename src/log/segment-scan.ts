import type { FileHandle } from 'node:fs/promises';
import type { DamagedRange } from './damage.js';
import { readFully } from './fs-util.js';
import { checkFrame } from './record-codec.js';
import { findNextFrame } from './resync.js';
import type { SparseIndex } from './sparse-index.js';

const SCAN_CHUNK_BYTES = 1024 * 1024;
const INCOMPLETE = 'incomplete frame at the end';

export interface ScanResult {
  /** Where the intact part ends: the file size, or where a tail that no intact frame follows starts. */
  readonly validBytes: number;
  /** The offset after the last intact frame. */
  readonly nextOffset: number;
  readonly maxTimestamp: number;
  /** Damaged ranges that intact frames follow, in file order. */
  readonly damaged: readonly DamagedRange[];
  /** Why the bytes from `validBytes` on hold no intact frame (null if there are none); `torn` when all
   * that is wrong is that the last frame is incomplete, as a write cut short by a crash leaves it. */
  readonly tail: { readonly reason: string; readonly torn: boolean } | null;
}

interface ScanState {
  filePos: number;
  nextOffset: number;
  maxTimestamp: number;
  /** Size of the frame that did not fit in the chunk, when it did not. */
  needBytes: number;
  readonly verifyCrc: boolean;
}

/**
 * Reads a segment from the start, checking every frame's length, header and offset (they must run from
 * `baseOffset` without gaps) and, with `verifyCrc`, its CRC; fills `index`. Where a frame does not check
 * out it looks for the next intact frame: damage with intact frames after it becomes a damaged range, and
 * the scan goes on from there; damage that none follows is the tail. Like Kafka's recovery, only the
 * segment a crash can have torn (the last) needs the CRC pass at open: older ones were complete and
 * fsynced before the roll, and every read checks CRCs.
 */
export async function scanSegment(
  handle: FileHandle,
  fileSize: number,
  baseOffset: number,
  index: SparseIndex,
  verifyCrc: boolean,
): Promise<ScanResult> {
  const state: ScanState = {
    filePos: 0,
    nextOffset: baseOffset,
    maxTimestamp: -Infinity,
    needBytes: 0,
    verifyCrc,
  };
  const damaged: DamagedRange[] = [];
  let tail: ScanResult['tail'] = null;
  while (state.filePos < fileSize) {
    const reason = await scanFrames(handle, fileSize, state, index);
    if (reason === null) break;
    const next = await findNextFrame(handle, state.filePos, fileSize, state.nextOffset);
    if (next === null) {
      tail = { reason, torn: reason === INCOMPLETE };
      break;
    }
    damaged.push({
      start: state.filePos,
      end: next.position,
      firstOffset: state.nextOffset,
      lastOffset: next.offset - 1,
      reason,
    });
    state.filePos = next.position;
    state.nextOffset = next.offset;
  }
  return {
    validBytes: state.filePos,
    nextOffset: state.nextOffset,
    maxTimestamp: state.maxTimestamp,
    damaged,
    tail,
  };
}

/** Consumes intact frames from `state.filePos` on; returns why it stopped before the end, if it did. */
async function scanFrames(
  handle: FileHandle,
  fileSize: number,
  state: ScanState,
  index: SparseIndex,
): Promise<string | null> {
  let buf = Buffer.allocUnsafe(Math.min(SCAN_CHUNK_BYTES, fileSize - state.filePos));
  while (state.filePos < fileSize) {
    const want = Math.min(buf.length, fileSize - state.filePos);
    const got = await readFully(handle, buf, want, state.filePos);
    const before = state.filePos;
    const problem = scanChunk(buf, got, fileSize, state, index);
    if (problem !== null) return problem;
    if (state.filePos === before) {
      if (got < want) return 'file shrank while being read';
      buf = Buffer.allocUnsafe(state.needBytes);
    }
  }
  return null;
}

/** Consumes the complete frames of one chunk, advancing `state`; returns why it stopped early, if it did. */
function scanChunk(
  buf: Buffer,
  length: number,
  fileSize: number,
  state: ScanState,
  index: SparseIndex,
): string | null {
  const chunkStart = state.filePos;
  let p = 0;
  while (p < length) {
    const frame = checkFrame(buf, p, length, state.verifyCrc);
    if (frame.status === 'corrupt') return frame.reason;
    if (frame.status === 'incomplete') {
      state.needBytes = frame.size;
      return chunkStart + p + frame.size > fileSize ? INCOMPLETE : null;
    }
    if (frame.offset !== state.nextOffset) {
      return `offset ${frame.offset} where ${state.nextOffset} was expected`;
    }
    index.add(frame.offset, chunkStart + p);
    state.nextOffset += 1;
    state.maxTimestamp = Math.max(state.maxTimestamp, frame.timestamp);
    p += frame.size;
    state.filePos = chunkStart + p;
  }
  return null;
}
