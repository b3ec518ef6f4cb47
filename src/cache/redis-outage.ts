import type { Logger } from '../logger.js';

/**
 * Which of the cache's Redis connections are down, so an outage is logged once when it begins and once when
 * it ends, however many connections and reconnection attempts it spans.
 */
export class RedisOutage {
  readonly #down = new Set<string>();
  readonly #logger: Logger;
  readonly #server: string;
  #since = 0;

  constructor(logger: Logger, server: string) {
    this.#logger = logger;
    this.#server = server;
  }

  /** Connection `role` is down; `err` is the last error it reported, if any. */
  lost(role: string, err: unknown): void {
    if (this.#down.size === 0) {
      this.#since = Date.now();
      this.#logger.warn(
        { err, server: this.#server, connection: role },
        'redis unreachable: cache calls fail with TF_CACHE_UNAVAILABLE while it reconnects in the background',
      );
    }
    this.#down.add(role);
  }

  /** Connection `role` is ready; returns whether it was down before. */
  ready(role: string): boolean {
    if (!this.#down.delete(role)) return false;
    if (this.#down.size === 0) {
      this.#logger.info({ server: this.#server, downMs: Date.now() - this.#since }, 'redis reachable again');
    }
    return true;
  }

  isDown(role: string): boolean {
    return this.#down.has(role);
  }
}
