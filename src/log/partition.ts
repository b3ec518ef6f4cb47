import { mkdir, readdir } from 'node:fs/promises';
import type { Logger } from '../logger.js';
import { fsyncDir } from './fs-util.js';
import type { LogRecord } from './log.js';
import { LogError } from './log-errors.js';
import { type AppendRecord, encodeBatch } from './record-codec.js';
import { type OpenedSegment, Segment, SEGMENT_FILE } from './segment.js';

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
    private readonly segments: Segment[],
  ) {
    this.endOffset = this.active().nextOffset;
    this.writeOffset = this.endOffset;
  }

  /** Opens (or creates) the partition in `dir`, repairing a torn tail of its last segment. */
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
    const segments: Segment[] = [];
    try {
      for (const [i, base] of bases.entries()) {
        const expected = segments.at(-1)?.nextOffset ?? base;
        if (base !== expected) {
          throw new LogError(
            'TF_LOG_CORRUPT',
            `${dir}: segment ${base} follows one that ends at ${expected}`,
          );
        }
        const opened = await Segment.open(dir, base, config.indexIntervalBytes, i === bases.length - 1);
        segments.push(opened.segment);
        if (opened.scan.problem !== null) logTornTail(logger, topic, id, opened);
      }
      if (segments.length === 0) {
        segments.push(await Segment.create(dir, 0, config.indexIntervalBytes));
        await fsyncDir(dir);
      }
    } catch (err) {
      await Promise.allSettled(segments.map((s) => s.close()));
      throw err;
    }
    return new Partition(topic, id, dir, config, logger, segments);
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
      active = await Segment.create(this.dir, this.writeOffset, this.config.indexIntervalBytes);
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

  /** Up to `maxRecords` readable records from `offset` on (which must be ≥ `startOffset`). */
  async read(offset: number, maxRecords: number): Promise<LogRecord[]> {
    const out: LogRecord[] = [];
    let next = offset;
    while (out.length < maxRecords && next < this.endOffset) {
      const segment = this.segmentFor(next);
      const records = segment === undefined ? null : await segment.read(next, maxRecords - out.length);
      if (records === null) break;
      for (const r of records) {
        out.push({
          topic: this.topic,
          partition: this.id,
          offset: r.offset,
          key: r.key,
          value: r.value,
          timestamp: r.timestamp,
        });
      }
      const last = records.at(-1);
      if (last !== undefined) {
        next = last.offset + 1;
        continue;
      }
      const following = this.segments.find((s) => s.baseOffset > next);
      if (following === undefined) break;
      next = following.baseOffset;
    }
    return out;
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

function logTornTail(logger: Logger, topic: string, partition: number, opened: OpenedSegment): void {
  logger.warn(
    {
      topic,
      partition,
      file: opened.segment.path,
      problem: opened.scan.problem,
      keptBytes: opened.scan.validBytes,
      droppedBytes: opened.fileSize - opened.scan.validBytes,
    },
    'log: truncated a torn tail left by a crash',
  );
}
