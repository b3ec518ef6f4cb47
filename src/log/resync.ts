import type { FileHandle } from 'node:fs/promises';
import { readFully } from './fs-util.js';
import { checkFrame, MIN_FRAME_BYTES, peekFrame } from './record-codec.js';

const SEARCH_CHUNK_BYTES = 1024 * 1024;

export interface FoundFrame {
  /** Where the frame starts in the file. */
  readonly position: number;
  readonly offset: number;
}

/** Where a search stands in the file: the chunk `buf[0, got)` holds the bytes from `base`. */
interface Window {
  readonly buf: Buffer;
  readonly got: number;
  readonly base: number;
}

/**
 * After damage at byte `damageAt` of a segment (the first frame there does not check out), finds the
 * first intact frame in `(damageAt, end)` that can follow it: header, offset and CRC check out, the offset
 * is at least `expected` (the offset after the last intact frame before the damage) and no larger than
 * the frames the damaged bytes could have held. Returns null when no intact frame follows: a tail.
 */
export async function findNextFrame(
  handle: FileHandle,
  damageAt: number,
  end: number,
  expected: number,
): Promise<FoundFrame | null> {
  let buf = Buffer.allocUnsafe(Math.max(0, Math.min(SEARCH_CHUNK_BYTES, end - damageAt - 1)));
  let base = damageAt + 1;
  while (base + MIN_FRAME_BYTES <= end) {
    const want = Math.min(buf.length, end - base);
    const got = await readFully(handle, buf, want, base);
    if (got < Math.min(want, MIN_FRAME_BYTES)) return null;
    const limit = got < want ? base + got : end;
    const step = searchWindow({ buf, got, base }, damageAt, limit, expected);
    if (step.found !== null) return step.found;
    if (step.resumeAt === base) buf = Buffer.allocUnsafe(step.needBytes);
    base = step.resumeAt;
  }
  return null;
}

interface Step {
  readonly found: FoundFrame | null;
  readonly resumeAt: number;
  readonly needBytes: number;
}

/**
 * Tries every byte position of the window. Stops at a frame that checks out, or where a candidate runs
 * past the window (the caller reads again from there, with a buffer of `needBytes` if it must grow).
 */
function searchWindow(w: Window, damageAt: number, end: number, expected: number): Step {
  for (let p = 0; p < w.got; p++) {
    const position = w.base + p;
    if (position + MIN_FRAME_BYTES > end) break;
    const peek = peekFrame(w.buf, p, w.got);
    if (peek === 'short') return { found: null, resumeAt: position, needBytes: MIN_FRAME_BYTES };
    if (peek === null || position + peek.size > end) continue;
    const mostLost = Math.floor((position - damageAt) / MIN_FRAME_BYTES);
    if (peek.offset < expected || peek.offset - expected > mostLost) continue;
    if (p + peek.size > w.got) {
      return { found: null, resumeAt: position, needBytes: Math.max(peek.size, w.buf.length) };
    }
    if (checkFrame(w.buf, p, w.got, true).status === 'ok') {
      return { found: { position, offset: peek.offset }, resumeAt: position, needBytes: 0 };
    }
  }
  return { found: null, resumeAt: end, needBytes: 0 };
}
