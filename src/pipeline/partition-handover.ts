import { hostname } from 'node:os';
import type { Config } from '../config/load-config.js';
import type { ConsumerHandlers, Membership, OffsetReset, StartPosition } from '../log/log.js';
import { sleep } from '../lib/sleep.js';
import type { Logger } from '../logger.js';
import { partitionsGained, partitionsLost, processorRestores } from '../metrics/metrics.js';
import type { ProcessorSink } from '../store/store.js';
import type { Committer } from './committer.js';
import { PartitionTask, type RunnerCounters } from './partition-task.js';
import type { ProblemCounter } from './problem-counter.js';
import { PROCESSOR_GROUP } from './topics.js';

export interface HandoverDeps {
  readonly store: ProcessorSink;
  readonly committer: Committer;
  readonly config: Config;
  readonly logger: Logger;
  readonly problems: ProblemCounter;
  readonly clock: () => number;
  readonly counters: RunnerCounters;
  /** How long a revoke keeps retrying its last commit while the store refuses it. */
  readonly revokeDeadlineMs: number;
}

/**
 * The one place where partitions change hands. On assignment it claims the partitions in the store (a
 * new epoch, which fences every former owner) and restores each one's task from its checkpoint; on
 * revoke it commits each task's work and lets go, keeping nothing when that commit fails (the next owner
 * replays from the last checkpoint); on loss, or when a commit is fenced, it lets go at once.
 */
export class PartitionHandover implements ConsumerHandlers {
  readonly tasks = new Map<number, PartitionTask>();
  /** `--reset-to`: the first assignment starts there with no state; later ones use the checkpoints. */
  private resetTo: OffsetReset | undefined;

  constructor(
    private readonly deps: HandoverDeps,
    resetTo: OffsetReset | undefined,
  ) {
    this.resetTo = resetTo;
  }

  async onAssigned(
    partitions: readonly number[],
    membership: Membership,
  ): Promise<ReadonlyMap<number, StartPosition>> {
    const { store, config, problems, clock, logger, counters } = this.deps;
    const owner = `${hostname()}/${process.pid}/${membership.memberId}`;
    const claims = await store.claimPartitions(PROCESSOR_GROUP, owner, partitions);
    const reset = this.resetTo;
    this.resetTo = undefined;
    const starts = new Map<number, StartPosition>();
    const restoring = claims.filter((c) => reset === undefined && c.checkpoint !== null).length;
    if (restoring > 0)
      logger.info({ partitions: restoring }, 'processor: restoring partitions from their checkpoints');
    for (const claim of claims) {
      const fresh = reset === undefined ? claim : { ...claim, checkpoint: null };
      const began = performance.now();
      const task = new PartitionTask(claim.partition, fresh, config, problems, counters, clock);
      this.tasks.set(claim.partition, task);
      if (fresh.checkpoint !== null) {
        processorRestores.inc();
        logger.info(
          {
            partition: claim.partition,
            bytes: fresh.checkpoint.state.length,
            symbols: task.operator.symbolCount,
            ms: Math.round(performance.now() - began),
          },
          'processor: partition restored from its checkpoint',
        );
      }
      starts.set(claim.partition, reset ?? fresh.checkpoint?.nextOffset ?? 'earliest');
    }
    partitionsGained.inc(claims.length);
    logger.info(
      { partitions, generation: membership.generation, epochs: epochsOf(claims), resetTo: reset },
      'processor: partitions assigned',
    );
    if (reset !== undefined) {
      logger.warn(
        { resetTo: reset },
        'processor: discarding the stored checkpoints; partitions start with no state',
      );
      for (const task of this.tasks.values()) {
        task.statePending = true;
        task.checkpointNow = true;
      }
    }
    return starts;
  }

  async onRevoked(partitions: readonly number[], membership: Membership): Promise<void> {
    const deadline = this.deps.clock() + this.deps.revokeDeadlineMs;
    for (const partition of partitions) {
      const task = this.tasks.get(partition);
      if (task === undefined) continue;
      let result = await this.deps.committer.commit(task, true);
      while (result === 'failed' && this.deps.clock() < deadline) {
        await sleep(250);
        result = await this.deps.committer.commit(task, true);
      }
      if (result !== 'committed') {
        this.deps.logger.warn(
          { partition, result },
          'processor: the last commit of a revoked partition did not go through; its new owner replays from the last checkpoint',
        );
      }
      this.tasks.delete(partition);
      partitionsLost.inc();
    }
    this.deps.logger.info({ partitions, generation: membership.generation }, 'processor: partitions revoked');
  }

  onLost(partitions: readonly number[], membership: Membership): Promise<void> {
    for (const partition of partitions) if (this.tasks.delete(partition)) partitionsLost.inc();
    this.deps.logger.warn(
      { partitions, generation: membership.generation },
      'processor: partitions lost (this member was expelled from the group); their uncommitted work is dropped',
    );
    return Promise.resolve();
  }

  /** A commit was fenced: another processor has claimed the partition, so this one stops processing it. */
  fenced(partition: number): void {
    const task = this.tasks.get(partition);
    this.tasks.delete(partition);
    this.deps.logger.error(
      { partition, epoch: task?.claim.epoch.toString() },
      'processor: fenced: another processor has claimed this partition since; dropping it without committing',
    );
  }
}

const epochsOf = (claims: readonly { partition: number; epoch: bigint }[]): Record<string, string> =>
  Object.fromEntries(claims.map((c) => [c.partition, c.epoch.toString()]));
