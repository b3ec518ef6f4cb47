/** Counts one kind of failure and reports only the first, so a flood of them is one log line and a number. */
export class Tally {
  #count = 0;
  readonly #first: (detail: object) => void;

  constructor(first: (detail: object) => void) {
    this.#first = first;
  }

  note(detail: object): void {
    if (this.#count++ === 0) this.#first(detail);
  }

  get count(): number {
    return this.#count;
  }
}
