import type { PartitionCheckpoint } from '../store/store.js';
import {
  decodeCheckpoint,
  encodeCheckpoint,
  restoreOperator,
  snapshotOperator,
} from '../processor/checkpoint-codec.js';
import type { WindowOperator } from '../processor/window-operator.js';

/**
 * Which partition each symbol's state belongs to, and how far each assigned partition has been processed.
 * State moves with its partition: it is checkpointed per partition, restored on assignment and dropped on
 * revocation, so a rebalance carries exactly the state of the partitions that move.
 */
export class PartitionStates {
  private readonly symbolPartition = new Map<string, number>();
  /** Assigned partition → the next offset to process. */
  private readonly next = new Map<number, number>();

  constructor(private readonly operator: WindowOperator) {}

  /** Restores stored checkpoints for newly assigned partitions; returns where to start reading each. */
  assign(
    partitions: readonly number[],
    stored: ReadonlyMap<number, PartitionCheckpoint>,
  ): Map<number, number> {
    for (const partition of partitions) {
      const checkpoint = stored.get(partition);
      this.next.set(partition, checkpoint?.nextOffset ?? 0);
      if (checkpoint === undefined) continue;
      const decoded = decodeCheckpoint(checkpoint.state);
      restoreOperator(this.operator, decoded, false);
      for (const s of decoded.symbols) this.symbolPartition.set(s.symbol, partition);
    }
    return new Map(this.next);
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
   * Notes that a record was processed. Returns the partition the symbol's state lived in before, when a
   * producer that partitions differently moved it (the state follows the newest record).
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
