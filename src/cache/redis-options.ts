import type { RedisOptions } from 'ioredis';
import { ConfigError } from '../errors.js';
import { backoffDelay } from '../lib/backoff.js';
import type { Logger } from '../logger.js';
import { parseRedisUrl, type RedisTarget } from './redis-url.js';

export interface RedisCacheOptions {
  /** `redis://[[user]:password@]host[:port][/db]`, or `rediss://` for TLS; the password is never logged. */
  readonly url: string;
  readonly logger: Logger;
  /** How long one command may wait for its answer before it fails with TF_CACHE_UNAVAILABLE. */
  readonly commandTimeoutMs?: number;
  /** How long `start()` waits for Redis, and how long one connection attempt may take. */
  readonly connectTimeoutMs?: number;
}

export const REDIS_DEFAULTS = {
  commandTimeoutMs: 1_000,
  connectTimeoutMs: 2_000,
  /** Reconnection never gives up; the wait between attempts grows from this… */
  reconnectBaseMs: 100,
  /** …to at most this. */
  reconnectMaxMs: 2_000,
} as const;

/** The options, checked once. */
export interface RedisSettings extends RedisTarget {
  readonly commandTimeoutMs: number;
  readonly connectTimeoutMs: number;
}

const MAX_TIMER_MS = 2_147_483_647;

const positiveInteger = (name: string, value: number): number => {
  if (Number.isInteger(value) && value >= 1 && value <= MAX_TIMER_MS) return value;
  throw new ConfigError([`Redis ${name}: must be an integer from 1 to ${MAX_TIMER_MS}, got ${value}`]);
};

/** Throws TF_CONFIG_INVALID for a bad URL or timeout, before anything connects. */
export function redisSettings(options: RedisCacheOptions): RedisSettings {
  return {
    ...parseRedisUrl(options.url),
    commandTimeoutMs: positiveInteger(
      'command timeout (ms)',
      options.commandTimeoutMs ?? REDIS_DEFAULTS.commandTimeoutMs,
    ),
    connectTimeoutMs: positiveInteger(
      'connect timeout (ms)',
      options.connectTimeoutMs ?? REDIS_DEFAULTS.connectTimeoutMs,
    ),
  };
}

/** Capped exponential backoff with full jitter, so restarted API instances do not reconnect in step. */
export const reconnectDelay = (attempt: number): number =>
  backoffDelay(
    attempt - 1,
    { baseMs: REDIS_DEFAULTS.reconnectBaseMs, maxMs: REDIS_DEFAULTS.reconnectMaxMs },
    Math.random,
  );

/**
 * ioredis options under which nothing waits without bound: no offline queue (a command during an outage
 * fails at once), every command timed out, a socket that answers nothing dropped and reconnected, commands
 * in flight when a connection drops failed rather than retried or resent, and reconnection forever.
 * Resubscribing is left to the cache: ioredis's own autoResubscribe leaves the promise of a failed
 * SUBSCRIBE unhandled, which would end the process.
 */
export function connectionOptions(settings: RedisSettings, role: string): RedisOptions {
  return {
    lazyConnect: true,
    enableOfflineQueue: false,
    enableReadyCheck: true,
    commandTimeout: settings.commandTimeoutMs,
    socketTimeout: settings.commandTimeoutMs,
    connectTimeout: settings.connectTimeoutMs,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    autoResubscribe: false,
    retryStrategy: reconnectDelay,
    connectionName: `tickflow:${role}`,
    disableClientInfo: true,
  };
}
