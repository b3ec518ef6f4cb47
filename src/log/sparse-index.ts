/**
 * A sparse offset → file position index of one segment: one entry every `intervalBytes` of frames (and one
 * for the first frame). A lookup gives the position of the last indexed frame at or before an offset, from
 * where a reader skips forward at most about `intervalBytes`.
 */
export class SparseIndex {
  private readonly offsets: number[] = [];
  private readonly positions: number[] = [];
  private lastPosition = -Infinity;

  constructor(private readonly intervalBytes: number) {}

  /** Notes a frame; frames must come in file order. */
  add(offset: number, position: number): void {
    if (this.offsets.length > 0 && position - this.lastPosition < this.intervalBytes) return;
    this.offsets.push(offset);
    this.positions.push(position);
    this.lastPosition = position;
  }

  /** The last indexed frame whose offset is ≤ `offset`, or null if there is none. */
  lookup(offset: number): { offset: number; position: number } | null {
    let lo = 0;
    let hi = this.offsets.length - 1;
    let found: { offset: number; position: number } | null = null;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const at = this.offsets[mid] as number;
      if (at <= offset) {
        found = { offset: at, position: this.positions[mid] as number };
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  get entries(): number {
    return this.offsets.length;
  }
}
