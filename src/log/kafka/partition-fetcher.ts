import type { Consumer, fetchV17 } from '@platformatic/kafka';
import type { Logger } from '../../logger.js';
import { offsetAfter, type LogRecord, type Offset, type StartPosition } from '../log.js';
import { hasProtocolError, kafkaError } from './kafka-errors.js';
import type { ResolvedKafkaOptions } from './kafka-options.js';
import { decodeBatches } from './record-decoder.js';
import { partitionBounds, startOffset } from './start-positions.js';

const OFFSET_OUT_OF_RANGE = 1;
const MAX_PARTITION_BYTES = 1024 * 1024;
const MAX_FETCH_BYTES = 8 * 1024 * 1024;

interface PartitionState {
  /** Where the partition should start, until `resolve` turns it into a position; null: the group's commit. */
  start: StartPosition | null;
  /** The next offset `poll` returns; null until resolved. */
  position: Offset | null;
  /** The next offset to fetch: after the buffered records (and any transaction markers after them). */
  fetchOffset: Offset;
  buffer: LogRecord[];
}

/** Positions, buffers and fetches of the partitions a member owns, with their pauses. */
export class PartitionFetcher {
  private readonly states = new Map<number, PartitionState>();
  private readonly pausedSet = new Set<number>();
  private turn = 0;

  constructor(
    private readonly client: Consumer,
    private readonly topic: string,
    private readonly options: ResolvedKafkaOptions,
    private readonly committed: (partitions: readonly number[]) => Promise<Map<number, Offset>>,
    private readonly logger: Logger,
  ) {}

  assign(partitions: readonly number[], starts: ReadonlyMap<number, StartPosition>): void {
    for (const p of partitions)
      this.states.set(p, { start: starts.get(p) ?? null, position: null, fetchOffset: 0n, buffer: [] });
  }

  remove(partitions: readonly number[]): void {
    for (const p of partitions) {
      this.states.delete(p);
      this.pausedSet.delete(p);
    }
  }

  assigned(): number[] {
    return [...this.states.keys()].sort((a, b) => a - b);
  }

  pause(partitions: readonly number[]): void {
    for (const p of partitions) if (this.states.has(p)) this.pausedSet.add(p);
  }

  resume(partitions: readonly number[]): void {
    for (const p of partitions) this.pausedSet.delete(p);
  }

  paused(): number[] {
    return [...this.pausedSet].sort((a, b) => a - b);
  }

  positions(): Map<number, Offset> {
    const positions = new Map<number, Offset>();
    for (const [p, s] of this.states) if (s.position !== null) positions.set(p, s.position);
    return positions;
  }

  /** Turns the start of newly assigned (or reset) partitions into positions. */
  async resolve(): Promise<void> {
    const pending = [...this.states].filter(([, s]) => s.position === null).map(([p]) => p);
    if (pending.length === 0) return;
    try {
      const unset = pending.filter((p) => this.states.get(p)?.start === null);
      const committed = unset.length > 0 ? await this.committed(unset) : new Map<number, Offset>();
      const bounds = await partitionBounds(this.client, this.topic, pending);
      for (const p of pending) {
        const s = this.states.get(p);
        const b = bounds.get(p);
        if (s === undefined || b === undefined) continue;
        const start = s.start ?? committed.get(p) ?? 'earliest';
        s.position = startOffset(start, b, { topic: this.topic, partition: p }, this.logger);
        s.fetchOffset = s.position;
        s.buffer = [];
      }
    } catch (err) {
      throw kafkaError(`finding where partitions ${pending.join(',')} of ${this.topic} start`, err);
    }
  }

  /** Up to `max` buffered records, else what one fetch brings within `waitMs`. */
  async poll(max: number, waitMs: number): Promise<LogRecord[]> {
    const buffered = this.drain(max);
    if (buffered.length > 0) return buffered;
    const fetchable = [...this.states]
      .filter(([p, s]) => !this.pausedSet.has(p) && s.position !== null)
      .map(([p]) => p);
    if (fetchable.length === 0) {
      await new Promise((r) => setTimeout(r, waitMs));
      return [];
    }
    await this.fetch(fetchable, waitMs);
    await this.resolve();
    return this.drain(max);
  }

  /** Records on the owned partitions after their positions. */
  async lag(): Promise<number> {
    let lag = 0;
    for (const n of (await this.partitionLag()).values()) lag += n;
    return lag;
  }

  async partitionLag(): Promise<ReadonlyMap<number, number>> {
    const positions = this.positions();
    const lag = new Map<number, number>();
    if (positions.size === 0) return lag;
    try {
      const bounds = await partitionBounds(this.client, this.topic, [...positions.keys()]);
      for (const [p, position] of positions) {
        const end = bounds.get(p)?.latest ?? position;
        lag.set(p, end > position ? Number(end - position) : 0);
      }
      return lag;
    } catch (err) {
      throw kafkaError(`reading the end offsets of ${this.topic}`, err);
    }
  }

  private async fetch(partitions: readonly number[], waitMs: number): Promise<void> {
    let metadata;
    try {
      metadata = await this.client.metadata({ topics: [this.topic] });
    } catch (err) {
      throw kafkaError(`reading the metadata of ${this.topic}`, err);
    }
    const topic = metadata.topics.get(this.topic);
    if (topic === undefined) throw kafkaError(`fetching from ${this.topic}`, new Error('no metadata'));
    const byLeader = new Map<number, number[]>();
    for (const p of partitions) {
      const leader = topic.partitions[p]?.leader ?? -1;
      byLeader.set(leader, [...(byLeader.get(leader) ?? []), p]);
    }
    await Promise.all([...byLeader].map(([leader, ps]) => this.fetchFrom(leader, topic.id, ps, waitMs)));
  }

  private async fetchFrom(
    node: number,
    topicId: string,
    partitions: readonly number[],
    waitMs: number,
  ): Promise<void> {
    const requested = new Map(partitions.map((p) => [p, this.states.get(p)?.fetchOffset ?? 0n]));
    const request = [...requested].map(([partition, fetchOffset]) => ({
      partition,
      fetchOffset,
      partitionMaxBytes: MAX_PARTITION_BYTES,
      currentLeaderEpoch: -1,
      lastFetchedEpoch: -1,
    }));
    let response: fetchV17.FetchResponse;
    try {
      response = await this.client.fetch({
        node,
        topics: [{ topicId, partitions: request }],
        maxWaitTime: waitMs,
        minBytes: 1,
        maxBytes: MAX_FETCH_BYTES,
      });
    } catch (err) {
      const partial = (err as { response?: fetchV17.FetchResponse }).response;
      // Out of range is a per-partition answer: the others in the response are good.
      if (partial === undefined || !hasProtocolError(err, 'OFFSET_OUT_OF_RANGE')) {
        this.client.clearMetadata();
        throw kafkaError(`fetching from ${this.topic}`, err);
      }
      response = partial;
    }
    for (const answer of response.responses.flatMap((r) => r.partitions)) {
      const s = this.states.get(answer.partitionIndex);
      if (s === undefined || s.fetchOffset !== requested.get(answer.partitionIndex)) continue;
      if (answer.errorCode === OFFSET_OUT_OF_RANGE) {
        s.start = s.fetchOffset;
        s.position = null;
      } else if (answer.errorCode === 0) {
        const decoded = decodeBatches(
          this.topic,
          answer.partitionIndex,
          answer.records ?? [],
          s.fetchOffset,
          this.options.codec,
        );
        s.buffer = decoded.records;
        s.fetchOffset = decoded.next;
        if (s.buffer.length === 0) s.position = decoded.next;
      } else {
        this.client.clearMetadata();
      }
    }
  }

  /** Takes up to `max` buffered records from the unpaused partitions, a different one first each time. */
  private drain(max: number): LogRecord[] {
    const out: LogRecord[] = [];
    const ids = [...this.states.keys()].sort((a, b) => a - b);
    this.turn++;
    for (let i = 0; i < ids.length && out.length < max; i++) {
      const p = ids[(i + this.turn) % ids.length] as number;
      const s = this.states.get(p);
      if (s === undefined || this.pausedSet.has(p) || s.buffer.length === 0) continue;
      const taken = s.buffer.splice(0, max - out.length);
      out.push(...taken);
      s.position = s.buffer.length === 0 ? s.fetchOffset : offsetAfter(taken[taken.length - 1] as LogRecord);
    }
    return out;
  }
}
