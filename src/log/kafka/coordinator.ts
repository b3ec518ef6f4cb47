import {
  ConnectionPool,
  findCoordinatorV6,
  heartbeatV4,
  joinGroupV9,
  leaveGroupV5,
  offsetCommitV9,
  offsetFetchV9,
  syncGroupV5,
  type Broker,
  type Connection,
} from '@platformatic/kafka';
import { hasProtocolError } from './kafka-errors.js';
import type { ResolvedKafkaOptions } from './kafka-options.js';

export type JoinResponse = Awaited<ReturnType<typeof joinGroupV9.api.async>>;
export interface SyncAssignment {
  readonly memberId: string;
  readonly assignment: Buffer;
}

/** Errors after which the coordinator may be elsewhere or back soon: find it again and retry. */
const TRANSIENT = ['COORDINATOR_LOAD_IN_PROGRESS', 'COORDINATOR_NOT_AVAILABLE', 'NOT_COORDINATOR'];
const RETRY_DELAY_MS = 200;
const GROUP_KEY = 0;

const isNetworkError = (err: unknown): boolean =>
  typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'PLT_KFK_NETWORK';

export const parseBroker = (address: string): Broker => {
  const colon = address.lastIndexOf(':');
  return { host: address.slice(0, colon), port: Number(address.slice(colon + 1)) };
};

/**
 * The consumer-group requests of the classic protocol, sent to the group's coordinator. The adapter
 * drives the group itself with these (rather than the client's consumer, which rejoins on its own in the
 * background) so that a member rejoins only from inside `poll()`, after its revocations settled.
 */
export class GroupCoordinator {
  private coordinator: Broker | null = null;
  /** Join and sync wait for the whole group, up to the rebalance timeout: they get their own connection. */
  private readonly joinPool: ConnectionPool;
  private readonly pool: ConnectionPool;

  constructor(
    private readonly options: ResolvedKafkaOptions,
    readonly groupId: string,
  ) {
    const clientId = `${options.clientId}-group`;
    this.pool = new ConnectionPool(clientId, { requestTimeout: options.requestTimeoutMs });
    this.joinPool = new ConnectionPool(clientId, {
      requestTimeout: options.maxPollIntervalMs + options.requestTimeoutMs,
    });
  }

  join(memberId: string, protocol: string, metadata: Buffer): Promise<JoinResponse> {
    const { sessionTimeoutMs, maxPollIntervalMs } = this.options;
    const protocols = [{ name: protocol, metadata }];
    const send = (c: Connection, id: string): Promise<JoinResponse> =>
      joinGroupV9.api.async(
        c,
        this.groupId,
        sessionTimeoutMs,
        maxPollIntervalMs,
        id,
        null,
        'consumer',
        protocols,
      );
    return this.call(this.joinPool, async (c) => {
      try {
        return await send(c, memberId);
      } catch (err) {
        // Since KIP-394 a new member first learns its id from this error, then joins with it.
        const assigned = (err as { response?: { memberId?: string | null } }).response?.memberId;
        if (!hasProtocolError(err, 'MEMBER_ID_REQUIRED') || !assigned) throw err;
        return send(c, assigned);
      }
    });
  }

  async sync(
    generation: number,
    memberId: string,
    protocol: string,
    assignments: SyncAssignment[],
  ): Promise<Buffer> {
    const response = await this.call(this.joinPool, (c) =>
      syncGroupV5.api.async(c, this.groupId, generation, memberId, null, 'consumer', protocol, assignments),
    );
    return response.assignment;
  }

  async heartbeat(generation: number, memberId: string): Promise<void> {
    await this.call(this.pool, (c) => heartbeatV4.api.async(c, this.groupId, generation, memberId, null));
  }

  async leave(memberId: string): Promise<void> {
    await this.call(this.pool, (c) =>
      leaveGroupV5.api.async(c, this.groupId, [{ memberId, reason: 'the consumer is closing' }]),
    );
  }

  async commit(
    generation: number,
    memberId: string,
    topic: string,
    offsets: ReadonlyMap<number, bigint>,
  ): Promise<void> {
    const partitions = [...offsets].map(([partitionIndex, committedOffset]) => ({
      partitionIndex,
      committedOffset,
      committedLeaderEpoch: -1,
    }));
    await this.call(this.pool, (c) =>
      offsetCommitV9.api.async(c, this.groupId, generation, memberId, null, [{ name: topic, partitions }]),
    );
  }

  /** The group's committed offsets of these partitions (those without one are left out). */
  async committed(topic: string, partitions: readonly number[]): Promise<Map<number, bigint>> {
    const response = await this.call(this.pool, (c) =>
      offsetFetchV9.api.async(
        c,
        [
          {
            groupId: this.groupId,
            memberEpoch: -1,
            topics: [{ name: topic, partitionIndexes: [...partitions] }],
          },
        ],
        false,
      ),
    );
    const committed = new Map<number, bigint>();
    for (const group of response.groups) {
      for (const t of group.topics) {
        for (const p of t.partitions)
          if (p.committedOffset >= 0n) committed.set(p.partitionIndex, p.committedOffset);
      }
    }
    return committed;
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.pool.close(), this.joinPool.close()]);
  }

  /** Runs a request on the coordinator, finding it first, and again after it moved or was not ready. */
  private async call<T>(pool: ConnectionPool, request: (c: Connection) => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.options.requestTimeoutMs;
    for (;;) {
      try {
        return await request(await pool.get(await this.find()));
      } catch (err) {
        const transient = isNetworkError(err) || TRANSIENT.some((id) => hasProtocolError(err, id));
        if (!transient) throw err;
        this.coordinator = null;
        if (Date.now() + RETRY_DELAY_MS > deadline) throw err;
        await new Promise((r) => setTimeout(r, RETRY_DELAY_MS));
      }
    }
  }

  private async find(): Promise<Broker> {
    if (this.coordinator !== null) return this.coordinator;
    const connection = await this.pool.getFirstAvailable(this.options.brokers.map(parseBroker));
    const response = await findCoordinatorV6.api.async(connection, GROUP_KEY, [this.groupId]);
    const found = response.coordinators.find((c) => c.key === this.groupId);
    if (found === undefined) throw new Error(`no coordinator for group ${this.groupId}`);
    this.coordinator = { host: found.host, port: found.port };
    return this.coordinator;
  }
}
