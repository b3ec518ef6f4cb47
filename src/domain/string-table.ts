/**
 * A copy of `text` that shares no memory with it. A short string sliced from a large text can keep the
 * whole text alive for as long as it is kept.
 */
export const detached = (text: string): string => Buffer.from(text, 'utf8').toString('utf8');

/**
 * A bounded table of the short strings read out of large texts (symbols, source names): each one in the
 * table is the same string object every time, hashed once as a map key, and pins no chunk of input. Once
 * the table is full, a string not in it is returned as a copy of its own.
 */
export class StringTable {
  private readonly known = new Map<string, string>();

  constructor(private readonly capacity = 1_024) {}

  /** The table's copy of `text`. */
  intern(text: string): string {
    const known = this.known.get(text);
    if (known !== undefined) return known;
    const copy = detached(text);
    if (this.known.size < this.capacity) this.known.set(copy, copy);
    return copy;
  }
}
