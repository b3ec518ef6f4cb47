/**
 * The group leader's assignment of one topic's partitions, cooperative and sticky (Kafka's
 * cooperative-sticky, for a single topic): every member keeps what it owns up to its fair share, the rest
 * is spread over members with room, and a partition that must move from one member to another is given
 * to nobody in this round. Its owner sees it missing, revokes it (commits, lets go) and rejoins, and the
 * next round hands it over; so a partition never has two owners, and the others keep working meanwhile.
 */

export interface MemberClaim {
  readonly memberId: string;
  readonly owned: readonly number[];
  /** The generation its ownership dates from; the newer claim wins when two members claim a partition. */
  readonly generation: number;
}

/** The current owner of each partition, among the members present. */
function owners(members: readonly MemberClaim[], partitions: number): Map<number, MemberClaim> {
  const owner = new Map<number, MemberClaim>();
  for (const member of members) {
    for (const p of member.owned) {
      const other = owner.get(p);
      if (p < partitions && (other === undefined || member.generation > other.generation))
        owner.set(p, member);
    }
  }
  return owner;
}

export function assignCooperative(
  members: readonly MemberClaim[],
  partitions: number,
): Map<string, number[]> {
  const owner = owners(members, partitions);
  const ownedBy = (m: MemberClaim): number[] =>
    [...owner.entries()]
      .filter(([, o]) => o === m)
      .map(([p]) => p)
      .sort((a, b) => a - b);
  // Those who own most get the larger shares, so that fewer partitions move.
  const byClaim = [...members].sort(
    (a, b) => ownedBy(b).length - ownedBy(a).length || a.memberId.localeCompare(b.memberId),
  );
  const base = Math.floor(partitions / members.length);
  const extra = partitions % members.length;
  const quota = new Map(byClaim.map((m, i) => [m.memberId, base + (i < extra ? 1 : 0)]));
  const target = new Map<string, number[]>();
  const kept = new Set<number>();
  for (const m of byClaim) {
    const keep = ownedBy(m).slice(0, quota.get(m.memberId));
    for (const p of keep) kept.add(p);
    target.set(m.memberId, keep);
  }
  const free = Array.from({ length: partitions }, (_, p) => p).filter((p) => !kept.has(p));
  for (const m of byClaim) {
    const mine = target.get(m.memberId) ?? [];
    while (mine.length < (quota.get(m.memberId) ?? 0) && free.length > 0) mine.push(free.shift() as number);
  }
  // Cooperative: what is still owned elsewhere waits for its owner to revoke it.
  for (const [memberId, mine] of target) {
    target.set(
      memberId,
      mine
        .filter((p) => owner.get(p) === undefined || owner.get(p)?.memberId === memberId)
        .sort((a, b) => a - b),
    );
  }
  return target;
}
