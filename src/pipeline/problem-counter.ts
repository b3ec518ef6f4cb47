import type { ErrorCode } from '../error-codes.js';
import type { Logger } from '../logger.js';

/**
 * Counts recurring problems by code and logs each code once (the first time), so a flood of bad records or
 * a long outage is visible without flooding the log. Counts go to /health and metrics.
 */
export class ProblemCounter {
  /** Occurrences per code since the condition was last resolved. */
  private readonly counts = new Map<string, number>();
  /** Occurrences per code of conditions already resolved. */
  private readonly totals = new Map<string, number>();

  constructor(
    private readonly logger: Logger,
    private readonly component: string,
  ) {}

  /** Counts one occurrence; logs it if it is the first of its code since the last `resolved(code)`. */
  report(code: ErrorCode, message: string, detail: Record<string, unknown> = {}): void {
    const count = (this.counts.get(code) ?? 0) + 1;
    this.counts.set(code, count);
    if (count === 1) {
      this.logger.warn(
        { component: this.component, code, ...detail },
        `${message} (further occurrences are counted, not logged)`,
      );
    }
  }

  /** Marks a condition as over (e.g. the store is back): logs how often it happened, and re-arms the log. */
  resolved(code: ErrorCode, message: string): void {
    const count = this.counts.get(code);
    if (count === undefined) return;
    this.counts.delete(code);
    this.totals.set(code, (this.totals.get(code) ?? 0) + count);
    this.logger.info({ component: this.component, code, occurrences: count }, message);
  }

  /** Occurrences per code, ever. */
  snapshot(): Record<string, number> {
    const out: Record<string, number> = Object.fromEntries(this.totals);
    for (const [code, n] of this.counts) out[code] = (out[code] ?? 0) + n;
    return out;
  }
}
