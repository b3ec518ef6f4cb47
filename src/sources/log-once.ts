import type { Logger } from '../logger.js';
import { errorMessage } from '../errors.js';

/**
 * Logs an outage when it starts (or changes kind), not on every failure while it lasts, and once more
 * when it ends, with how many failures it spanned.
 */
export class OutageLog {
  private kind: string | null = null;
  private failures = 0;

  constructor(private readonly logger: Logger) {}

  get failing(): boolean {
    return this.kind !== null;
  }

  fail(kind: string, err: unknown, message: string, level: 'warn' | 'error' = 'warn'): void {
    this.failures++;
    if (this.kind === kind) return;
    this.kind = kind;
    const code = err instanceof Error && 'code' in err ? err.code : undefined;
    this.logger[level]({ err: errorMessage(err), code, kind }, message);
  }

  recover(message: string): void {
    if (this.kind === null) return;
    this.logger.info({ failures: this.failures, kind: this.kind }, message);
    this.kind = null;
    this.failures = 0;
  }
}

/** Logs each distinct reason once (up to a bound, then one line saying further reasons are not logged). */
export class ReasonLog {
  private readonly seen = new Set<string>();

  constructor(
    private readonly logger: Logger,
    private readonly limit = 100,
  ) {}

  once(reason: string, fields: Record<string, unknown>, message: string): void {
    if (this.seen.has(reason) || this.seen.size > this.limit) return;
    this.seen.add(reason);
    if (this.seen.size > this.limit) {
      this.logger.warn({ limit: this.limit }, 'more distinct rejections; further reasons are not logged');
      return;
    }
    this.logger.warn({ ...fields, reason }, message);
  }
}
