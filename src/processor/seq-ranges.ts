/**
 * The trade ids of one source seen for one symbol, as disjoint ranges `[lo, hi]` sorted by id, each with
 * the newest event time among its ids. Exchanges number their trades consecutively, so a symbol's whole
 * recent history is usually one range: a few numbers whatever the trade rate, where one key per trade
 * would be millions at exchange rates.
 */
export class SeqRanges {
  private lo: number[] = [];
  private hi: number[] = [];
  private newest: number[] = [];

  /** True if `id` was seen; otherwise remembers it, joining the ranges it touches. */
  check(id: number, ts: number): boolean {
    const { lo, hi, newest } = this;
    const n = hi.length;
    const last = n - 1;
    if (n > 0 && id === (hi[last] as number) + 1) {
      // The next trade: the usual case, so it comes first.
      hi[last] = id;
      if (ts > (newest[last] as number)) newest[last] = ts;
      return false;
    }
    if (n === 0 || id > (hi[last] as number) + 1) {
      lo.push(id);
      hi.push(id);
      newest.push(ts);
      return false;
    }
    let a = 0;
    let b = n;
    while (a < b) {
      const m = (a + b) >>> 1;
      if ((hi[m] as number) < id) a = m + 1;
      else b = m;
    }
    const i = a; // the first range that ends at or after id
    if (i < n && (lo[i] as number) <= id) return true;
    const joinsLeft = i > 0 && hi[i - 1] === id - 1;
    const joinsRight = i < n && lo[i] === id + 1;
    if (joinsLeft && joinsRight) {
      hi[i - 1] = hi[i] as number;
      newest[i - 1] = Math.max(newest[i - 1] as number, newest[i] as number, ts);
      lo.splice(i, 1);
      hi.splice(i, 1);
      newest.splice(i, 1);
    } else if (joinsLeft) {
      hi[i - 1] = id;
      newest[i - 1] = Math.max(newest[i - 1] as number, ts);
    } else if (joinsRight) {
      lo[i] = id;
      newest[i] = Math.max(newest[i] as number, ts);
    } else {
      lo.splice(i, 0, id);
      hi.splice(i, 0, id);
      newest.splice(i, 0, ts);
    }
    return false;
  }

  /** Forgets the ranges whose ids are all older than `cutoff` in event time. */
  forgetBefore(cutoff: number): void {
    if (!this.newest.some((ts) => ts < cutoff)) return;
    const keep = this.newest.map((ts) => ts >= cutoff);
    this.lo = this.lo.filter((_, i) => keep[i]);
    this.hi = this.hi.filter((_, i) => keep[i]);
    this.newest = this.newest.filter((_, i) => keep[i]);
  }

  get size(): number {
    return this.hi.length;
  }

  /** `[lo, hi, newest event time]` of each range, by id. */
  entries(): [lo: number, hi: number, newest: number][] {
    return this.hi.map((hi, i) => [this.lo[i] as number, hi, this.newest[i] as number]);
  }

  /** Adds a range from a checkpoint (ranges come in id order and never overlap). */
  restore(lo: number, hi: number, newest: number): void {
    this.lo.push(lo);
    this.hi.push(hi);
    this.newest.push(newest);
  }
}
