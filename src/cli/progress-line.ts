import type { Writable } from 'node:stream';

/** How often the line is redrawn at most. */
const EVERY_MS = 500;
const CLEAR = '\r\u001b[K';

/**
 * One line of progress on a terminal, redrawn in place at most twice a second: `replay: 1,200,000 lines
 * (1,050,000 lines/s)`. On anything but a terminal (a pipe, a file, CI logs) it writes nothing, so the
 * output that scripts read stays as it was.
 */
export class ProgressLine {
  readonly #stream: Writable;
  readonly #label: string;
  readonly #clock: () => number;
  readonly #on: boolean;
  readonly #startedAt: number;
  #drawnAt: number;
  #drawn = false;

  constructor(stream: Writable, label: string, clock: () => number = Date.now) {
    this.#stream = stream;
    this.#label = label;
    this.#clock = clock;
    this.#on = (stream as Partial<NodeJS.WriteStream>).isTTY === true;
    this.#startedAt = clock();
    this.#drawnAt = this.#startedAt;
  }

  /** Says how far the work has come, when half a second has passed since the line was last drawn. */
  update(lines: number): void {
    if (!this.#on) return;
    const now = this.#clock();
    if (now - this.#drawnAt < EVERY_MS) return;
    this.#drawnAt = now;
    const perSecond = Math.round((lines * 1_000) / Math.max(1, now - this.#startedAt));
    this.#stream.write(
      `${CLEAR}${this.#label}: ${lines.toLocaleString('en-US')} lines (${perSecond.toLocaleString('en-US')} lines/s)`,
    );
    this.#drawn = true;
  }

  /** Clears the line, so what is printed next starts on a clean line. */
  done(): void {
    if (this.#drawn) this.#stream.write(CLEAR);
    this.#drawn = false;
  }
}
