import { open, rm, stat, truncate } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { type DamagedRange, quarantineFileName } from './damage.js';
import { appendFully, readFully, writeFileAtomic } from './fs-util.js';
import type { EncodedBatch } from './record-codec.js';
import { findNextFrame } from './resync.js';
import { scanSegment, type ScanResult } from './segment-scan.js';
import { decodeChunk, type ReadCursor, type SegmentEntry } from './segment-read.js';
import { SparseIndex } from './sparse-index.js';

const READ_CHUNK_BYTES = 256 * 1024;

/** Kafka's naming: the base offset, zero-padded to 20 digits. */
export const segmentFileName = (baseOffset: number): string => `${String(baseOffset).padStart(20, '0')}.log`;
export const SEGMENT_FILE = /^(\d{20})\.log$/;

export interface SegmentOptions {
  readonly indexIntervalBytes: number;
  /** Told about damage a read finds (damage found at open is in the scan result instead). */
  readonly onDamage: (path: string, range: DamagedRange) => void;
}

export interface OpenedSegment {
  readonly segment: Segment;
  readonly scan: ScanResult;
  /** Size of the file before a damaged or torn tail was cut off. */
  readonly fileSize: number;
  /** Where the bytes of a damaged tail that was cut off were saved, if one was. */
  readonly quarantined: string | null;
}

interface PendingWrite {
  readonly positions: readonly number[];
  readonly firstOffset: number;
  readonly timestamp: number;
  readonly start: number;
}

interface SegmentInit {
  readonly size: number;
  readonly maxTimestamp: number;
  readonly nextOffset: number;
  readonly index: SparseIndex;
  readonly damaged: readonly DamagedRange[];
}

/**
 * One segment file of a partition: frames with consecutive offsets from `baseOffset`. Writes land at the
 * end; they become visible to readers (`durableSize`, the index) only after `publish()`, which the writer
 * calls once they are fsynced, or are cut off again by `rollback()`. Damaged ranges stay in the file and
 * readers skip them; appends go on after the last intact frame's offset.
 */
export class Segment {
  /** Bytes written, fsynced or not. */
  size: number;
  /** Bytes known to be on disk; readers never look past them. */
  durableSize: number;
  maxTimestamp: number;
  /** The offset after the last published record (or after the offsets a damaged tail stands for). */
  nextOffset: number;
  private readonly index: SparseIndex;
  /** In file order. */
  private damaged: DamagedRange[];
  private pending: PendingWrite[] = [];
  private readers = 0;
  private deleted = false;
  private released = false;

  private constructor(
    readonly path: string,
    readonly baseOffset: number,
    private readonly handle: FileHandle,
    private readonly options: SegmentOptions,
    init: SegmentInit,
  ) {
    this.nextOffset = init.nextOffset;
    this.size = init.size;
    this.durableSize = init.size;
    this.maxTimestamp = init.maxTimestamp;
    this.index = init.index;
    this.damaged = [...init.damaged];
  }

  /** Creates a new empty segment file (the caller fsyncs the directory). */
  static async create(dir: string, baseOffset: number, options: SegmentOptions): Promise<Segment> {
    const path = join(dir, segmentFileName(baseOffset));
    const handle = await open(path, 'a+');
    return new Segment(path, baseOffset, handle, options, {
      size: 0,
      maxTimestamp: -Infinity,
      nextOffset: baseOffset,
      index: new SparseIndex(options.indexIntervalBytes),
      damaged: [],
    });
  }

  /**
   * Opens an existing segment and checks its frames. With `last` (the segment a crash can tear) every CRC
   * is checked too, and a tail that no intact frame follows is cut off: silently but for the caller's
   * warning when it is a torn write, else after saving its bytes beside the segment. In an older segment
   * such a tail is kept as a damaged range.
   */
  static async open(
    dir: string,
    baseOffset: number,
    options: SegmentOptions,
    last: boolean,
  ): Promise<OpenedSegment> {
    const path = join(dir, segmentFileName(baseOffset));
    const fileSize = (await stat(path)).size;
    const index = new SparseIndex(options.indexIntervalBytes);
    let handle = await open(path, 'r');
    let scan: ScanResult;
    let quarantined: string | null = null;
    try {
      scan = await scanSegment(handle, fileSize, baseOffset, index, last);
      if (last && scan.tail !== null && !scan.tail.torn) {
        quarantined = await quarantine(handle, path, scan.validBytes, fileSize);
      }
    } finally {
      await handle.close();
    }
    const damaged = [...scan.damaged];
    let size = fileSize;
    if (scan.tail !== null && last) {
      await truncate(path, scan.validBytes);
      size = scan.validBytes;
    } else if (scan.tail !== null) {
      const { nextOffset } = scan;
      damaged.push({
        start: scan.validBytes,
        end: fileSize,
        firstOffset: nextOffset,
        lastOffset: nextOffset - 1,
        reason: scan.tail.reason,
      });
    }
    handle = await open(path, 'a+');
    const init = { size, maxTimestamp: scan.maxTimestamp, nextOffset: scan.nextOffset, index, damaged };
    return { segment: new Segment(path, baseOffset, handle, options, init), scan, fileSize, quarantined };
  }

  /** Damaged ranges found so far, in file order. */
  get damage(): readonly DamagedRange[] {
    return this.damaged;
  }

  /**
   * The next segment starts at `offset`, past this one's last intact record: a damaged tail stands for the
   * offsets in between. Returns false if this segment has no damaged tail (the offsets are in no file).
   */
  coverTailUpTo(offset: number): boolean {
    const tail = this.damaged.at(-1);
    if (tail === undefined || tail.end !== this.size) return false;
    this.damaged[this.damaged.length - 1] = { ...tail, lastOffset: offset - 1 };
    this.nextOffset = offset;
    return true;
  }

  /** Appends an encoded batch whose first record has `firstOffset`; not visible until `publish()`. */
  async write(batch: EncodedBatch, firstOffset: number, timestamp: number): Promise<void> {
    const start = this.size;
    this.size += batch.buffer.length;
    this.pending.push({ positions: batch.positions, firstOffset, timestamp, start });
    await appendFully(this.handle, batch.buffer);
  }

  sync(): Promise<void> {
    return this.handle.datasync();
  }

  /** Makes every written byte visible to readers. */
  publish(): void {
    for (const write of this.pending) {
      write.positions.forEach((pos, i) => {
        this.index.add(write.firstOffset + i, write.start + pos);
      });
      this.maxTimestamp = Math.max(this.maxTimestamp, write.timestamp);
      this.nextOffset = write.firstOffset + write.positions.length;
    }
    this.pending = [];
    this.durableSize = this.size;
  }

  /** Cuts off everything written since the last `publish()`. */
  async rollback(): Promise<void> {
    this.pending = [];
    this.size = this.durableSize;
    await this.handle.truncate(this.durableSize);
  }

  /**
   * Reads up to `maxRecords` published entries from `offset` on: records, and damaged ranges (found at
   * open or now) that stand for offsets at or after it. Returns null if the segment was deleted (by
   * retention) before the read began.
   */
  async read(offset: number, maxRecords: number): Promise<SegmentEntry[] | null> {
    if (this.deleted) return null;
    this.readers += 1;
    try {
      const from = this.index.lookup(offset) ?? { offset: this.baseOffset, position: 0 };
      return await this.readFrom({ pos: from.position, expected: from.offset }, offset, maxRecords);
    } finally {
      this.readers -= 1;
      await this.release();
    }
  }

  private async readFrom(cursor: ReadCursor, offset: number, maxRecords: number): Promise<SegmentEntry[]> {
    const out: SegmentEntry[] = [];
    let buf = Buffer.allocUnsafe(Math.min(READ_CHUNK_BYTES, Math.max(0, this.durableSize - cursor.pos)));
    while (cursor.pos < this.durableSize && out.length < maxRecords) {
      const damaged = this.damaged.find((d) => d.start === cursor.pos);
      if (damaged !== undefined) {
        if (damaged.lastOffset >= Math.max(offset, damaged.firstOffset)) out.push({ damaged });
        cursor.pos = damaged.end;
        cursor.expected = Math.max(cursor.expected, damaged.lastOffset + 1);
        continue;
      }
      const stop = this.damaged.find((d) => d.start > cursor.pos)?.start ?? this.durableSize;
      const before = cursor.pos;
      const got = await readFully(this.handle, buf, Math.min(buf.length, stop - cursor.pos), cursor.pos);
      const chunk = decodeChunk(buf, got, cursor, offset, maxRecords, out);
      if (chunk.problem !== null) await this.discover(cursor, stop, chunk.problem);
      else if (cursor.pos > before) continue;
      else if (chunk.needBytes > buf.length && before + chunk.needBytes <= stop)
        buf = Buffer.allocUnsafe(chunk.needBytes);
      else await this.discover(cursor, stop, 'a frame runs past the end of the published data');
    }
    return out;
  }

  /** Notes the damage at `cursor` (up to the next intact frame, else up to `stop`), and reports it. */
  private async discover(cursor: ReadCursor, stop: number, reason: string): Promise<void> {
    const next = await findNextFrame(this.handle, cursor.pos, stop, cursor.expected);
    if (this.damaged.some((d) => d.start === cursor.pos)) return;
    const following = this.damaged.find((d) => d.start >= stop);
    const range: DamagedRange = {
      start: cursor.pos,
      end: next?.position ?? stop,
      firstOffset: cursor.expected,
      lastOffset: (next?.offset ?? following?.firstOffset ?? this.nextOffset) - 1,
      reason,
    };
    this.damaged = [...this.damaged, range].sort((a, b) => a.start - b.start);
    this.options.onDamage(this.path, range);
  }

  /** Deletes the file; a read in progress finishes first (the handle closes after it). */
  async delete(): Promise<void> {
    this.deleted = true;
    await rm(this.path, { force: true });
    await this.release();
  }

  async close(): Promise<void> {
    this.deleted = true;
    await this.release();
  }

  private async release(): Promise<void> {
    if (this.released || this.readers > 0 || !this.deleted) return;
    this.released = true;
    await this.handle.close();
  }
}

/** Saves the bytes `[start, end)` of a segment beside it, durably, before they are cut off; returns where. */
async function quarantine(handle: FileHandle, path: string, start: number, end: number): Promise<string> {
  const bytes = Buffer.allocUnsafe(end - start);
  const got = await readFully(handle, bytes, bytes.length, start);
  const target = quarantineFileName(path, start, end);
  await writeFileAtomic(target, bytes.subarray(0, got));
  return target;
}
