import { open, rm, stat, truncate } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { appendFully, readFully } from './fs-util.js';
import { LogError } from './log-errors.js';
import { checkFrame, decodeFrame, type DecodedRecord, type EncodedBatch } from './record-codec.js';
import { scanSegment, type ScanResult } from './segment-scan.js';
import { SparseIndex } from './sparse-index.js';

const READ_CHUNK_BYTES = 256 * 1024;

/** Kafka's naming: the base offset, zero-padded to 20 digits. */
export const segmentFileName = (baseOffset: number): string => `${String(baseOffset).padStart(20, '0')}.log`;
export const SEGMENT_FILE = /^(\d{20})\.log$/;

export interface OpenedSegment {
  readonly segment: Segment;
  readonly scan: ScanResult;
  /** Size of the file before a torn tail was cut off. */
  readonly fileSize: number;
}

interface PendingWrite {
  readonly positions: readonly number[];
  readonly firstOffset: number;
  readonly timestamp: number;
  readonly start: number;
}

/**
 * One segment file of a partition: frames with consecutive offsets from `baseOffset`. Writes land at the
 * end; they become visible to readers (`durableSize`, the index) only after `publish()`, which the writer
 * calls once they are fsynced, or are cut off again by `rollback()`.
 */
export class Segment {
  /** Bytes written, fsynced or not. */
  size: number;
  /** Bytes known to be on disk; readers never look past them. */
  durableSize: number;
  maxTimestamp: number;
  /** The offset after the last published record. */
  nextOffset: number;
  private readonly index: SparseIndex;
  private pending: PendingWrite[] = [];
  private readers = 0;
  private deleted = false;
  private released = false;

  private constructor(
    readonly path: string,
    readonly baseOffset: number,
    private readonly handle: FileHandle,
    init: { size: number; maxTimestamp: number; nextOffset: number; index: SparseIndex },
  ) {
    this.nextOffset = init.nextOffset;
    this.size = init.size;
    this.durableSize = init.size;
    this.maxTimestamp = init.maxTimestamp;
    this.index = init.index;
  }

  /** Creates a new empty segment file (the caller fsyncs the directory). */
  static async create(dir: string, baseOffset: number, indexIntervalBytes: number): Promise<Segment> {
    const path = join(dir, segmentFileName(baseOffset));
    const handle = await open(path, 'a+');
    const index = new SparseIndex(indexIntervalBytes);
    return new Segment(path, baseOffset, handle, {
      size: 0,
      maxTimestamp: -Infinity,
      nextOffset: baseOffset,
      index,
    });
  }

  /**
   * Opens an existing segment and checks its frames. With `repair` (the last segment, the only one a crash
   * can tear) every CRC is checked too, and a bad tail is cut off; otherwise damage is an error. Returns
   * the segment and what the scan found.
   */
  static async open(
    dir: string,
    baseOffset: number,
    indexIntervalBytes: number,
    repair: boolean,
  ): Promise<OpenedSegment> {
    const path = join(dir, segmentFileName(baseOffset));
    const fileSize = (await stat(path)).size;
    const index = new SparseIndex(indexIntervalBytes);
    let handle = await open(path, 'r');
    let scan: ScanResult;
    try {
      scan = await scanSegment(handle, fileSize, baseOffset, index, repair);
    } finally {
      await handle.close();
    }
    if (scan.problem !== null && !repair) {
      throw new LogError('TF_LOG_CORRUPT', `${path}: ${scan.problem} at byte ${scan.validBytes}`);
    }
    if (scan.validBytes < fileSize) await truncate(path, scan.validBytes);
    handle = await open(path, 'a+');
    const init = {
      size: scan.validBytes,
      maxTimestamp: scan.maxTimestamp,
      nextOffset: scan.nextOffset,
      index,
    };
    return { segment: new Segment(path, baseOffset, handle, init), scan, fileSize };
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
   * Reads up to `maxRecords` published records from `offset` on. Returns null if the segment was deleted
   * (by retention) before the read began.
   */
  async read(offset: number, maxRecords: number): Promise<DecodedRecord[] | null> {
    if (this.deleted) return null;
    this.readers += 1;
    try {
      return await this.readFrom(this.index.lookup(offset), offset, maxRecords);
    } finally {
      this.readers -= 1;
      await this.release();
    }
  }

  private async readFrom(start: number, offset: number, maxRecords: number): Promise<DecodedRecord[]> {
    const end = this.durableSize;
    const out: DecodedRecord[] = [];
    let pos = start;
    let buf = Buffer.allocUnsafe(Math.min(READ_CHUNK_BYTES, end - pos));
    while (pos < end && out.length < maxRecords) {
      const got = await readFully(this.handle, buf, Math.min(buf.length, end - pos), pos);
      let p = 0;
      while (out.length < maxRecords) {
        const frame = checkFrame(buf, p, got, false);
        if (frame.status === 'corrupt') throw this.corrupt(pos + p, frame.reason);
        if (frame.status === 'incomplete') {
          if (p === 0 && frame.size > buf.length) buf = Buffer.allocUnsafe(frame.size);
          else if (p === 0) throw this.corrupt(pos, 'file shorter than its published size');
          break;
        }
        if (frame.offset >= offset) {
          const checked = checkFrame(buf, p, got, true);
          if (checked.status !== 'ok') throw this.corrupt(pos + p, 'CRC mismatch');
          out.push(decodeFrame(buf, p));
        }
        p += frame.size;
        if (p === got) break;
      }
      pos += p;
    }
    return out;
  }

  private corrupt(position: number, reason: string): LogError {
    return new LogError('TF_LOG_CORRUPT', `${this.path}: ${reason} at byte ${position}`);
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
