/**
 * Printable ASCII read out of bytes as strings of their own. V8 makes a short string from its character
 * codes several times faster than `Buffer#toString` does from a buffer, and such a string pins no input.
 */

/** `b[from..to)` as text, byte for byte (Latin-1); the bytes must be ASCII for it to equal UTF-8. */
export function asciiText(b: Uint8Array, from: number, to: number): string {
  const c = (k: number): number => b[from + k] as number;
  // One call with the codes as arguments: the fastest way V8 has to make a short string.
  switch (to - from) {
    case 0:
      return '';
    case 1:
      return String.fromCharCode(c(0));
    case 2:
      return String.fromCharCode(c(0), c(1));
    case 3:
      return String.fromCharCode(c(0), c(1), c(2));
    case 4:
      return String.fromCharCode(c(0), c(1), c(2), c(3));
    case 5:
      return String.fromCharCode(c(0), c(1), c(2), c(3), c(4));
    case 6:
      return String.fromCharCode(c(0), c(1), c(2), c(3), c(4), c(5));
    case 7:
      return String.fromCharCode(c(0), c(1), c(2), c(3), c(4), c(5), c(6));
    case 8:
      return String.fromCharCode(c(0), c(1), c(2), c(3), c(4), c(5), c(6), c(7));
    case 9:
      return String.fromCharCode(c(0), c(1), c(2), c(3), c(4), c(5), c(6), c(7), c(8));
    case 10:
      return String.fromCharCode(c(0), c(1), c(2), c(3), c(4), c(5), c(6), c(7), c(8), c(9));
    case 11:
      return String.fromCharCode(c(0), c(1), c(2), c(3), c(4), c(5), c(6), c(7), c(8), c(9), c(10));
    case 12:
      return String.fromCharCode(c(0), c(1), c(2), c(3), c(4), c(5), c(6), c(7), c(8), c(9), c(10), c(11));
    default:
      return Buffer.from(b.buffer, b.byteOffset + from, to - from).toString('latin1');
  }
}

/**
 * The names read out of bytes (symbols, source names), each one the same string object every time it is
 * read: hashed once as a map key, and made once. A slot holds the last name that hashed to it.
 */
export class NameCache {
  private readonly names: (string | undefined)[] = new Array<string | undefined>(512).fill(undefined);

  /** The name `b[from..to)`, whose bytes are printable ASCII; `hash` is any function of those bytes. */
  get(b: Uint8Array, from: number, to: number, hash: number): string {
    const length = to - from;
    const slot = (hash ^ length) & 511;
    const known = this.names[slot];
    if (known !== undefined && known.length === length) {
      let k = 0;
      while (k < length && known.charCodeAt(k) === b[from + k]) k++;
      if (k === length) return known;
    }
    const name = asciiText(b, from, to);
    this.names[slot] = name;
    return name;
  }
}
