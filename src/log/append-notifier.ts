/** setTimeout's limit; a longer wait would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Tells waiting consumers that records were published to a topic. Each topic has a version that every
 * publish bumps; a consumer notes the version before it looks for records and then waits for a change, so
 * a publish between the look and the wait is never missed.
 */
export class AppendNotifier {
  private readonly versions = new Map<string, number>();
  private readonly waiters = new Map<string, Set<() => void>>();

  version(topic: string): number {
    return this.versions.get(topic) ?? 0;
  }

  notify(topic: string): void {
    this.versions.set(topic, this.version(topic) + 1);
    const waiting = this.waiters.get(topic);
    if (waiting === undefined) return;
    this.waiters.delete(topic);
    for (const wake of waiting) wake();
  }

  /** Resolves once the topic's version is no longer `seen`, after `timeoutMs`, or when `signal` aborts. */
  wait(topic: string, seen: number, timeoutMs: number, signal: AbortSignal): Promise<void> {
    if (this.version(topic) !== seen || signal.aborted || timeoutMs <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const waiting = this.waiters.get(topic) ?? new Set();
      this.waiters.set(topic, waiting);
      const wake = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', wake);
        waiting.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, Math.min(timeoutMs, MAX_TIMER_MS));
      signal.addEventListener('abort', wake, { once: true });
      waiting.add(wake);
    });
  }
}
