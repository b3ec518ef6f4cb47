/** Kafka's default session timeout: a member silent for longer is expelled and its partitions move. */
export const DEFAULT_SESSION_TIMEOUT_MS = 45_000;

interface Member {
  lastSeen: number;
  /** Members still in the group; an expelled one learns it at its next poll. */
  expelled: boolean;
}

/**
 * The coordinator of one consumer group on one topic of the embedded log: who is in the group, the
 * generation, and who owns each partition. Members are assigned ranges of partitions in join order, as
 * Kafka's range assignor does. Ownership changes hands only when the owner releases a partition (after
 * its revoke) or is expelled for silence, so two members never own a partition at once as far as the
 * group knows; a member that was expelled and does not know it yet is the zombie that fencing stops.
 */
export class EmbeddedGroup {
  private readonly members = new Map<string, Member>();
  private readonly owners = new Map<number, string>();
  private readonly waiters = new Set<() => void>();
  private joined = 0;
  generation = 0;
  /** Bumped by every change of membership or ownership, so a waiter never misses one. */
  version = 0;

  constructor(
    private readonly partitionIds: readonly number[],
    private readonly sessionTimeoutMs: number,
    private readonly now: () => number,
  ) {}

  join(): string {
    const id = `member-${++this.joined}`;
    this.members.set(id, { lastSeen: this.now(), expelled: false });
    this.generation++;
    this.changed();
    return id;
  }

  /** Frees the member's partitions and forgets it (a clean leave, after its revoke). */
  leave(id: string): void {
    this.members.delete(id);
    this.releaseAll(id);
    this.generation++;
    this.changed();
  }

  /**
   * Notes that the member is alive and expels the others that have been silent too long. Returns false
   * when this member itself was expelled: its partitions are gone and it must join again.
   */
  heartbeat(id: string): boolean {
    const member = this.members.get(id);
    if (member === undefined || member.expelled) return false;
    const now = this.now();
    member.lastSeen = now;
    for (const [otherId, other] of this.members) {
      if (!other.expelled && now - other.lastSeen > this.sessionTimeoutMs) this.expel(otherId, other);
    }
    return true;
  }

  /** Forgets an expelled member once it has let go of its partitions. */
  forget(id: string): void {
    if (this.members.get(id)?.expelled === true) this.members.delete(id);
  }

  /** The partitions the member should own in this generation. */
  target(id: string): number[] {
    const live = [...this.members].filter(([, m]) => !m.expelled).map(([memberId]) => memberId);
    const index = live.indexOf(id);
    if (index < 0) return [];
    const count = this.partitionIds.length;
    const per = Math.floor(count / live.length);
    const extra = count % live.length;
    const start = index * per + Math.min(index, extra);
    return this.partitionIds.slice(start, start + per + (index < extra ? 1 : 0));
  }

  /** Of `partitions`, the ones no member owns. */
  free(partitions: readonly number[]): number[] {
    return partitions.filter((p) => !this.owners.has(p));
  }

  take(id: string, partitions: readonly number[]): void {
    for (const p of partitions) this.owners.set(p, id);
  }

  release(id: string, partitions: readonly number[]): void {
    for (const p of partitions) if (this.owners.get(p) === id) this.owners.delete(p);
    if (partitions.length > 0) this.changed();
  }

  /** Resolves once `version` is no longer `seen`, or when `signal` aborts. */
  nextChange(seen: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted || seen !== this.version) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = (): void => {
        signal.removeEventListener('abort', wake);
        this.waiters.delete(wake);
        resolve();
      };
      signal.addEventListener('abort', wake, { once: true });
      this.waiters.add(wake);
    });
  }

  private expel(id: string, member: Member): void {
    member.expelled = true;
    this.releaseAll(id);
    this.generation++;
    this.changed();
  }

  private releaseAll(id: string): void {
    for (const [p, owner] of this.owners) if (owner === id) this.owners.delete(p);
  }

  private changed(): void {
    this.version++;
    for (const wake of [...this.waiters]) wake();
  }
}
