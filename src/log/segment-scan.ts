import type { FileHandle } from 'node:fs/promises';
import { readFully } from './fs-util.js';
import { checkFrame } from './record-codec.js';
import type { SparseIndex } from './sparse-index.js';

const SCAN_CHUNK_BYTES = 1024 * 1024;

export interface ScanResult {
  /** Bytes of complete, intact frames from the start of the file. */
  readonly validBytes: number;
  /** The offset after the last intact frame. */
  readonly nextOffset: number;
  readonly maxTimestamp: number;
  /** Why the scan stopped before the end of the file, or null if every byte checked out. */
  readonly problem: string | null;
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
 * `baseOffset` without gaps) and, with `verifyCrc`, its CRC; fills `index`. Stops at the first frame that
 * does not check out. Like Kafka's recovery, only the segment a crash can have torn (the last) needs the
 * CRC pass at open: older ones were complete and fsynced before the roll, and every read checks CRCs.
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
  let buf = Buffer.allocUnsafe(Math.min(SCAN_CHUNK_BYTES, fileSize));
  let problem: string | null = null;
  while (state.filePos < fileSize && problem === null) {
    const want = Math.min(buf.length, fileSize - state.filePos);
    const got = await readFully(handle, buf, want, state.filePos);
    const before = state.filePos;
    problem = scanChunk(buf, got, fileSize, state, index);
    if (state.filePos === before && problem === null) {
      if (got < want) problem = 'file shrank while being read';
      else buf = Buffer.allocUnsafe(state.needBytes);
    }
  }
  return {
    validBytes: state.filePos,
    nextOffset: state.nextOffset,
    maxTimestamp: state.maxTimestamp,
    problem,
  };
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
      return chunkStart + p + frame.size > fileSize ? 'incomplete frame at the end' : null;
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
