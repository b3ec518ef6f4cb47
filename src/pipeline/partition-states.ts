import { SCHEMA } from '../config/schema.js';
import { durationMs, formatDuration } from '../domain/time.js';
import { CheckpointError, TickflowError } from '../errors.js';
import type { StartPosition } from '../log/log.js';
import {
  type Checkpoint,
  decodeCheckpoint,
  encodeCheckpoint,
  restoreOperator,
  snapshotOperator,
} from '../processor/checkpoint-codec.js';
import type { WindowOperator } from '../processor/window-operator.js';
import type { PartitionCheckpoint } from '../store/store.js';

/** A partition whose checkpoint is ahead of where the log lets it start: records it covers were lost. */
export interface LostRecords {
  readonly partition: number;
  readonly checkpointOffset: number;
  readonly logEnd: number;
}

/**
 * Which partition each symbol's state belongs to, and how far each assigned partition has been processed.
 * State moves with its partition: it is checkpointed per partition, restored on assignment and dropped on
 * revocation, so a rebalance carries exactly the state of the partitions that move.
 */
export class PartitionStates {
  private readonly symbolPartition = new Map<string, number>();
  /** Assigned partition → the next offset to process. */
  private readonly next = new Map<number, number>();
  /** Assigned partition → the offset its checkpoint asked to start at. */
  private readonly asked = new Map<number, number>();

  constructor(private readonly operator: WindowOperator) {}

  /**
   * Restores stored checkpoints for newly assigned partitions; returns where to start reading each (the
   * oldest record where there is no checkpoint).
   */
  assign(
    partitions: readonly number[],
    stored: ReadonlyMap<number, PartitionCheckpoint>,
  ): Map<number, StartPosition> {
    const starts = new Map<number, StartPosition>();
    for (const partition of partitions) {
      const checkpoint = stored.get(partition);
      starts.set(partition, checkpoint?.nextOffset ?? 'earliest');
      if (checkpoint === undefined) continue;
      this.asked.set(partition, checkpoint.nextOffset);
      const decoded = decodeCheckpoint(checkpoint.state);
      restore(this.operator, decoded, partition);
      for (const s of decoded.symbols) this.symbolPartition.set(s.symbol, partition);
    }
    return starts;
  }

  /**
   * Notes where the consumer actually starts each partition. Returns the partitions whose checkpoint was
   * ahead of the end of the log (the log started them at its end).
   */
  started(positions: ReadonlyMap<number, number>): LostRecords[] {
    const lost: LostRecords[] = [];
    for (const [partition, position] of positions) {
      const asked = this.asked.get(partition);
      if (asked !== undefined && asked > position) {
        lost.push({ partition, checkpointOffset: asked, logEnd: position });
      }
      this.next.set(partition, position);
    }
    this.asked.clear();
    return lost;
  }

  /** Forgets revoked partitions and the state of their symbols. */
  revoke(partitions: readonly number[]): void {
    const gone = new Set(partitions);
    this.operator.dropState((symbol) => gone.has(this.symbolPartition.get(symbol) ?? -1));
    for (const [symbol, partition] of this.symbolPartition)
      if (gone.has(partition)) this.symbolPartition.delete(symbol);
    for (const partition of partitions) this.next.delete(partition);
  }

  /**
   * Notes that a record (or every record up to `offset`) was processed. Returns the partition the
   * symbol's state lived in before, when a producer that partitions differently moved it (the state
   * follows the newest record).
   */
  processed(symbol: string | null, partition: number, offset: number): number | undefined {
    this.next.set(partition, offset + 1);
    if (symbol === null) return undefined;
    const before = this.symbolPartition.get(symbol);
    if (before !== partition) this.symbolPartition.set(symbol, partition);
    return before !== undefined && before !== partition ? before : undefined;
  }

  /** One checkpoint per assigned partition: its symbols' operator state and its next offset. */
  checkpoints(): PartitionCheckpoint[] {
    return [...this.next].map(([partition, nextOffset]) => ({
      partition,
      nextOffset,
      state: encodeCheckpoint(
        snapshotOperator(this.operator, (s) => this.symbolPartition.get(s) === partition),
      ),
    }));
  }

  offsets(): ReadonlyMap<number, number> {
    return new Map(this.next);
  }
}

/** Restores one partition's checkpoint; one taken with other settings fails with the way out. */
function restore(operator: WindowOperator, checkpoint: Checkpoint, partition: number): void {
  try {
    restoreOperator(operator, checkpoint, false);
  } catch (err) {
    if (!(err instanceof CheckpointError)) throw err;
    const previous = takenWith(checkpoint);
    const remedy =
      previous === null
        ? 'rebuild the processor state from the log with --reset-to earliest'
        : `start with the settings it was taken with (${previous}), or rebuild the processor state from the log with --reset-to earliest`;
    throw new TickflowError(
      'TF_CHECKPOINT_INCOMPATIBLE',
      `${err.message} (partition ${partition}); ${remedy}`,
      {
        cause: err,
      },
    );
  }
}

/** The operator settings a checkpoint was taken with, as flags, or null if it does not say. */
function takenWith(checkpoint: Checkpoint): string | null {
  const { intervals, outOfOrdernessMs, allowedLatenessMs } = checkpoint as Partial<Checkpoint>;
  const durations = [...(Array.isArray(intervals) ? intervals : []), outOfOrdernessMs, allowedLatenessMs];
  if (!Array.isArray(intervals) || !durations.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
    return null;
  }
  const format = (ms: number): string => formatDuration(durationMs(ms));
  return [
    `--${SCHEMA.intervals.flag} ${intervals.map(format).join(',')}`,
    `--${SCHEMA.outOfOrderness.flag} ${format(outOfOrdernessMs as number)}`,
    `--${SCHEMA.allowedLateness.flag} ${format(allowedLatenessMs as number)}`,
  ].join(' ');
}
