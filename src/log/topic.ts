import type { Partition } from './partition.js';
import { partitionForKey } from './partitioner.js';

/** A topic: its partitions, and where a record goes (by key like Kafka; round-robin without a key). */
export class Topic {
  private nextRoundRobin = 0;

  constructor(
    readonly name: string,
    readonly partitions: readonly Partition[],
  ) {}

  partitionFor(key: string | null): Partition {
    const n = this.partitions.length;
    const index = key === null ? this.nextRoundRobin++ % n : partitionForKey(key, n);
    return this.partitions[index] as Partition;
  }

  partition(id: number): Partition | undefined {
    return this.partitions[id];
  }
}
