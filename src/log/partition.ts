import { mkdir, readdir } from 'node:fs/promises';
import type { Logger } from '../logger.js';
import { fsyncDir } from './fs-util.js';
import { type DamagedRange, reportDamage, reportGap, reportTail } from './damage.js';
import { type LogRecord, offsetAfter } from './log.js';
import { LogError } from './log-errors.js';
import { type AppendRecord, encodeBatch } from './record-codec.js';
import { type OpenedSegment, Segment, SEGMENT_FILE, type SegmentOptions } from './segment.js';
import type { SegmentEntry } from './segment-read.js';

export interface PartitionConfig {
  /** A segment rolls over once the next write would take it past this size. */
  readonly segmentBytes: number;
  readonly indexIntervalBytes: number;
  /** Whole segments whose newest record is older than this are deleted. */
  readonly retentionMs: number;
  /** Oldest whole segments are deleted while the partition is bigger than this without them. */
  readonly retentionBytes: number;
}

/**
 * One partition: an ordered list of segments, the last one active. Offsets are assigned by `write()` and
 * become readable (`endOffset`, Kafka's high watermark) only at `publish()`, after the writer fsynced.
 */
export class Partition {
  /** The offset after the last readable record. */
  endOffset: number;
  private writeOffset: number;

  private constructor(
    readonly topic: string,
    readonly id: number,
    private readonly dir: string,
    private readonly config: PartitionConfig,
    private readonly logger: Logger,
    private readonly segmentOptions: SegmentOptions,
    private readonly segments: Segment[],
    /** Offsets that no segment file holds (a segment was deleted), in offset order. */
    private readonly gaps: readonly DamagedRange[],
  ) {
    this.endOffset = this.active().nextOffset;
    this.writeOffset = this.endOffset;
  }

  /**
   * Opens (or creates) the partition in `dir`: repairs a torn tail of its last segment, and reports any
   * damage that readers will skip (damaged ranges, and offsets no segment holds).
   */
  static async open(
    topic: string,
    id: number,
    dir: string,
    config: PartitionConfig,
    logger: Logger,
  ): Promise<Partition> {
    await mkdir(dir, { recursive: true });
    const bases = (await readdir(dir))
      .map((name) => SEGMENT_FILE.exec(name)?.[1])
      .filter((base) => base !== undefined)
      .sort()
      .map(Number);
    const where = { topic, partition: id };
    const options: SegmentOptions = {
      indexIntervalBytes: config.indexIntervalBytes,
      onDamage: (file, range) => {
        reportDamage(logger, { ...where, file }, range, 'read');
      },
    };
    const onCut = (opened: OpenedSegment): void => {
      const { tail, validBytes } = opened.scan;
      if (tail === null) return;
      const detail = { ...tail, validBytes, fileSize: opened.fileSize, savedTo: opened.quarantined };
      reportTail(logger, { ...where, file: opened.segment.path }, detail);
    };
    const { segments, gaps } = await openSegments(dir, bases, options, onCut);
    for (const segment of segments) {
      for (const range of segment.damage)
        reportDamage(logger, { ...where, file: segment.path }, range, 'open');
    }
    for (const gap of gaps) reportGap(logger, { ...where, dir }, gap);
    return new Partition(topic, id, dir, config, logger, options, segments, gaps);
  }

  /** The oldest offset still retained. */
  get startOffset(): number {
    return this.oldest().baseOffset;
  }

  get sizeBytes(): number {
    return this.segments.reduce((sum, s) => sum + s.size, 0);
  }

  get segmentCount(): number {
    return this.segments.length;
  }

  /** Writes records (rolling to a new segment first if the active one is full); not readable until `publish()`. */
  async write(records: readonly AppendRecord[], timestamp: number): Promise<void> {
    const batch = encodeBatch(records, this.writeOffset, timestamp);
    let active = this.active();
    if (active.size > 0 && active.size + batch.buffer.length > this.config.segmentBytes) {
      active = await Segment.create(this.dir, this.writeOffset, this.segmentOptions);
      this.segments.push(active);
      await fsyncDir(this.dir);
    }
    const first = this.writeOffset;
    this.writeOffset += records.length;
    await active.write(batch, first, timestamp);
  }

  sync(): Promise<void> {
    return this.active().sync();
  }

  publish(): void {
    this.active().publish();
    this.endOffset = this.writeOffset;
  }

  /** Forgets everything written since the last `publish()`, on disk too. */
  async rollback(): Promise<void> {
    this.writeOffset = this.endOffset;
    await this.active().rollback();
  }

  /**
   * Up to `maxRecords` readable records from `offset` on (which must be ≥ `startOffset`); damaged or lost
   * records come as one placeholder per damaged range.
   */
  async read(offset: number, maxRecords: number): Promise<LogRecord[]> {
    // Offsets are numbers inside the embedded log (its files never hold 2^53 records) and bigints outside.
    const out: LogRecord[] = [];
    let next = offset;
    while (out.length < maxRecords && next < this.endOffset) {
      const gap = this.gaps.find((g) => g.firstOffset <= next && next <= g.lastOffset);
      if (gap !== undefined) {
        out.push(this.placeholder(next, gap, null));
        next = gap.lastOffset + 1;
        continue;
      }
      const segment = this.segmentFor(next);
      const entries = segment === undefined ? null : await segment.read(next, maxRecords - out.length);
      if (segment === undefined || entries === null) break;
      for (const entry of entries) out.push(this.toRecord(entry, next, segment.path));
      const last = out.at(-1);
      if (entries.length > 0 && last !== undefined) {
        next = Number(offsetAfter(last));
        continue;
      }
      const following = this.segments.find((s) => s.baseOffset > next);
      if (following === undefined) break;
      next = following.baseOffset;
    }
    return out;
  }

  private toRecord(entry: SegmentEntry, from: number, file: string): LogRecord {
    if ('damaged' in entry)
      return this.placeholder(Math.max(from, entry.damaged.firstOffset), entry.damaged, file);
    const { offset, key, value, timestamp } = entry;
    return { topic: this.topic, partition: this.id, offset: BigInt(offset), key, value, timestamp };
  }

  private placeholder(offset: number, range: DamagedRange, file: string | null): LogRecord {
    const location = file === null ? null : { file, start: range.start, end: range.end };
    return {
      topic: this.topic,
      partition: this.id,
      offset: BigInt(offset),
      key: null,
      value: '',
      timestamp: -1,
      unreadable: { lastOffset: BigInt(range.lastOffset), reason: range.reason, location },
    };
  }

  /** Deletes whole old segments past the retention limits (never the active one); returns how many. */
  async applyRetention(now: number): Promise<number> {
    let deleted = 0;
    while (this.segments.length > 1) {
      const oldest = this.oldest();
      const tooOld = oldest.maxTimestamp < now - this.config.retentionMs;
      const tooBig = this.sizeBytes - oldest.size >= this.config.retentionBytes;
      if (!tooOld && !tooBig) break;
      this.segments.shift();
      await oldest.delete();
      deleted += 1;
      this.logger.info(
        {
          topic: this.topic,
          partition: this.id,
          file: oldest.path,
          reason: tooOld ? 'age' : 'size',
          startOffset: this.startOffset,
        },
        'log: deleted a segment past retention',
      );
    }
    return deleted;
  }

  async close(): Promise<void> {
    await Promise.all(this.segments.map((s) => s.close()));
  }

  private segmentFor(offset: number): Segment | undefined {
    let found: Segment | undefined;
    for (const segment of this.segments) {
      if (segment.baseOffset > offset) break;
      found = segment;
    }
    return found;
  }

  private active(): Segment {
    return this.segments[this.segments.length - 1] as Segment;
  }

  private oldest(): Segment {
    return this.segments[0] as Segment;
  }
}

/** Offsets `[from, to)` that no segment holds. */
const missing = (from: number, to: number): DamagedRange => ({
  start: 0,
  end: 0,
  firstOffset: from,
  lastOffset: to - 1,
  reason: 'no segment file holds these offsets',
});

/**
 * Opens the segments of a partition directory in offset order (creating the first if there is none);
 * `onCut` hears of a tail cut off the last one. Offsets between two segments that no damaged tail stands
 * for are a gap.
 */
async function openSegments(
  dir: string,
  bases: readonly number[],
  options: SegmentOptions,
  onCut: (opened: OpenedSegment) => void,
): Promise<{ segments: Segment[]; gaps: DamagedRange[] }> {
  const segments: Segment[] = [];
  const gaps: DamagedRange[] = [];
  try {
    for (const [i, base] of bases.entries()) {
      const previous = segments.at(-1);
      if (previous !== undefined && base < previous.nextOffset) {
        throw new LogError(
          'TF_LOG_CORRUPT',
          `${dir}: segment ${base} overlaps one that ends at ${previous.nextOffset}`,
        );
      }
      if (previous !== undefined && base > previous.nextOffset && !previous.coverTailUpTo(base)) {
        gaps.push(missing(previous.nextOffset, base));
      }
      const last = i === bases.length - 1;
      const opened = await Segment.open(dir, base, options, last);
      segments.push(opened.segment);
      if (last) onCut(opened);
    }
    if (segments.length === 0) {
      segments.push(await Segment.create(dir, 0, options));
      await fsyncDir(dir);
    }
  } catch (err) {
    await Promise.allSettled(segments.map((s) => s.close()));
    throw err;
  }
  return { segments, gaps };
}
