/** Closed: calls go through. Open: calls are refused until the cool-down ends. Half-open: one trial. */
export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Failures in a row that open the circuit. */
  readonly failuresToOpen: number;
  /** The first cool-down; each trial that fails doubles it, up to `maxOpenMs`. */
  readonly openMs: number;
  readonly maxOpenMs: number;
}

/**
 * Keeps callers from hammering a dependency that is down. After `failuresToOpen` failures in a row the
 * circuit opens, and `allows()` refuses every call for a cool-down. When it ends, one trial call is let
 * through (half-open) while the others are still refused: its success closes the circuit, its failure
 * opens it again for twice as long. Every call `allows()` let through must report `succeeded()` or
 * `failed()`. Time comes from the injected clock; the breaker holds no timers.
 */
export class CircuitBreaker {
  #state: CircuitState = 'closed';
  #failures = 0;
  #openings = 0;
  #openUntil = 0;
  #trialOut = false;

  constructor(
    private readonly options: CircuitBreakerOptions,
    private readonly clock: () => number,
  ) {}

  get state(): CircuitState {
    return this.#state;
  }

  /** Milliseconds until an open circuit lets a trial through (0 unless open). */
  get retryInMs(): number {
    return this.#state === 'open' ? Math.max(0, this.#openUntil - this.clock()) : 0;
  }

  /** Whether a call may go out now: any while closed, none while open, the one trial while half-open. */
  allows(): boolean {
    if (this.#state === 'open' && this.clock() >= this.#openUntil) this.#state = 'half-open';
    if (this.#state === 'closed') return true;
    if (this.#state === 'open' || this.#trialOut) return false;
    this.#trialOut = true;
    return true;
  }

  /** The call went through; returns true when this closed an open or half-open circuit. */
  succeeded(): boolean {
    const reopened = this.#state !== 'closed';
    this.#state = 'closed';
    this.#failures = 0;
    this.#openings = 0;
    this.#trialOut = false;
    return reopened;
  }

  /** The call failed; returns true when this opened the circuit. A call already out when it opened counts no more. */
  failed(): boolean {
    if (this.#state === 'open') return false;
    this.#failures++;
    this.#trialOut = false;
    const wasClosed = this.#state === 'closed';
    if (wasClosed && this.#failures < this.options.failuresToOpen) return false;
    const cooldown = Math.min(
      this.options.maxOpenMs,
      this.options.openMs * 2 ** Math.min(this.#openings, 30),
    );
    this.#openings++;
    this.#state = 'open';
    this.#openUntil = this.clock() + cooldown;
    return wasClosed;
  }
}
