import type { Logger } from '../../logger.js';
import type { Membership } from '../log.js';
import type { GroupCoordinator, SyncAssignment } from './coordinator.js';
import { decodeAssignment, decodeSubscription, encodeAssignment, encodeSubscription } from './group-codec.js';
import { Heartbeat } from './heartbeat.js';
import { hasProtocolError } from './kafka-errors.js';
import type { ResolvedKafkaOptions } from './kafka-options.js';
import { assignCooperative } from './sticky-assignor.js';

/** The assignor's name in the group protocol (the Java client's name for the same strategy). */
export const PROTOCOL = 'cooperative-sticky';
/** Errors after which this member is no longer in the group: what it owned is lost. */
const EXPELLED = ['UNKNOWN_MEMBER_ID', 'ILLEGAL_GENERATION', 'FENCED_INSTANCE_ID'];
/** Errors that mean another rebalance started meanwhile: join again. */
const REJOIN = ['REBALANCE_IN_PROGRESS', 'ILLEGAL_GENERATION'];
const MAX_JOIN_ATTEMPTS = 5;

const expelled = (err: unknown): boolean => EXPELLED.some((id) => hasProtocolError(err, id));

export interface LostMembership {
  readonly reason: string;
  /** The membership the partitions were owned under. */
  readonly membership: Membership;
}

/**
 * One member of a consumer group for one topic, in the classic protocol. The heartbeat only notes what
 * the group wants (a rejoin, or that the member was expelled); the consumer acts on it in `poll()`.
 */
export class GroupMember {
  private memberId = '';
  private generation = -1;
  private rejoinNeeded = true;
  private lost: LostMembership | null = null;
  private polling = false;
  private lastPoll = Date.now();
  private readonly heartbeat: Heartbeat;

  constructor(
    private readonly options: ResolvedKafkaOptions,
    private readonly coordinator: GroupCoordinator,
    private readonly topic: string,
    private readonly partitionCount: () => Promise<number>,
    private readonly logger: Logger,
  ) {
    this.heartbeat = new Heartbeat(options.heartbeatIntervalMs, () => this.beat());
  }

  membership(): Membership | null {
    return this.memberId === '' || this.generation < 0
      ? null
      : { memberId: this.memberId, generation: this.generation };
  }

  get needsRejoin(): boolean {
    return this.rejoinNeeded;
  }

  requestRejoin(): void {
    this.rejoinNeeded = true;
  }

  /** Why and under which membership the member lost its partitions since the last call, or null. */
  takeLost(): LostMembership | null {
    const reason = this.lost;
    this.lost = null;
    return reason;
  }

  /** Marks the start and end of a poll: a member not polling for maxPollIntervalMs leaves the group. */
  polled(active: boolean): void {
    this.polling = active;
    this.lastPoll = Date.now();
  }

  /**
   * Joins (or rejoins) the group, declaring the partitions it owns, and returns its new assignment; null
   * when the group no longer knew this member, so that what it owned is lost (see `takeLost`).
   */
  async rejoin(owned: readonly number[]): Promise<number[] | null> {
    await this.heartbeat.stop();
    this.rejoinNeeded = false;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.joinAndSync(owned);
      } catch (err) {
        if (expelled(err) && owned.length > 0) {
          this.expel('the group no longer knew this member when it rejoined');
          return null;
        }
        if (hasProtocolError(err, 'UNKNOWN_MEMBER_ID')) this.forget();
        const again =
          REJOIN.some((id) => hasProtocolError(err, id)) || hasProtocolError(err, 'UNKNOWN_MEMBER_ID');
        if (!again || attempt >= MAX_JOIN_ATTEMPTS) {
          this.rejoinNeeded = true;
          throw err;
        }
      }
    }
  }

  async commit(offsets: ReadonlyMap<number, bigint>): Promise<void> {
    try {
      await this.coordinator.commit(this.generation, this.memberId, this.topic, offsets);
    } catch (err) {
      if (hasProtocolError(err, 'REBALANCE_IN_PROGRESS')) this.rejoinNeeded = true;
      else if (expelled(err)) this.expel('the group refused a commit from this member');
      throw err;
    }
  }

  /** Stops heartbeating and, when in the group, leaves it so that the others take over at once. */
  async leave(): Promise<void> {
    await this.heartbeat.stop();
    const memberId = this.memberId;
    this.forget();
    if (memberId !== '') await this.coordinator.leave(memberId);
  }

  private async joinAndSync(owned: readonly number[]): Promise<number[]> {
    const metadata = encodeSubscription({
      topics: [this.topic],
      owned: new Map([[this.topic, owned]]),
      generation: this.generation,
    });
    const join = await this.coordinator.join(this.memberId, PROTOCOL, metadata);
    this.memberId = join.memberId ?? '';
    this.generation = join.generationId;
    const assignments = join.leader === this.memberId ? await this.assign(join.members) : [];
    const assignment = await this.coordinator.sync(this.generation, this.memberId, PROTOCOL, assignments);
    this.heartbeat.start();
    this.lastPoll = Date.now();
    const mine = decodeAssignment(assignment).get(this.topic) ?? [];
    this.logger.debug(
      { memberId: this.memberId, generation: this.generation, assignment: mine },
      'joined group',
    );
    return mine;
  }

  /** The leader's part of a rebalance: everyone's assignment, from what each one owns. */
  private async assign(
    members: readonly { memberId: string; metadata: Buffer | null }[],
  ): Promise<SyncAssignment[]> {
    const claims = members.map((m) => {
      const subscription = m.metadata === null ? null : decodeSubscription(m.metadata);
      return {
        memberId: m.memberId,
        owned: subscription?.owned.get(this.topic) ?? [],
        generation: subscription?.generation ?? -1,
      };
    });
    const plan = assignCooperative(claims, await this.partitionCount());
    return [...plan].map(([memberId, partitions]) => ({
      memberId,
      assignment: encodeAssignment(new Map([[this.topic, partitions]])),
    }));
  }

  private async beat(): Promise<void> {
    if (!this.polling && Date.now() - this.lastPoll > this.options.maxPollIntervalMs) {
      this.heartbeat.halt();
      const memberId = this.memberId;
      this.expel(`not polled for more than maxPollIntervalMs (${this.options.maxPollIntervalMs} ms)`);
      // Leaving at once lets the others take over without waiting for the session to time out.
      await this.coordinator.leave(memberId).catch(() => undefined);
      return;
    }
    try {
      await this.coordinator.heartbeat(this.generation, this.memberId);
    } catch (err) {
      if (hasProtocolError(err, 'REBALANCE_IN_PROGRESS')) {
        this.rejoinNeeded = true;
      } else if (expelled(err)) {
        this.heartbeat.halt();
        this.expel(
          'the group expelled this member (its session timed out, or a rebalance went on without it)',
        );
      } else {
        this.logger.debug({ err }, 'heartbeat failed; retrying');
      }
    }
  }

  private expel(reason: string): void {
    this.lost = { reason, membership: { memberId: this.memberId, generation: this.generation } };
    this.rejoinNeeded = true;
    this.forget();
  }

  private forget(): void {
    this.memberId = '';
    this.generation = -1;
  }
}
