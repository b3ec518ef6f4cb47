import { Redis } from 'ioredis';
import { TickflowError, errorMessage, isTickflowError } from '../errors.js';
import type { Logger } from '../logger.js';
import { cacheMemoryMax, cacheMemoryUsed } from '../metrics/metrics.js';
import { addSampler } from '../metrics/scrape.js';
import { type Cache, type LatestPrice, type Update, UPDATES_CHANNEL, latestKey } from './cache.js';
import { cacheUnavailable } from './cache-errors.js';
import { parseLatestPrice, parseUpdate } from './cache-json.js';
import {
  REDIS_DEFAULTS,
  type RedisCacheOptions,
  type RedisSettings,
  connectionOptions,
  redisSettings,
} from './redis-options.js';
import { RedisOutage } from './redis-outage.js';
import { Tally } from './tally.js';

export type { RedisCacheOptions } from './redis-options.js';

type Handler = (update: Update) => void;
/** One call of `subscribe`: the same handler subscribed twice is called twice, like an event emitter's. */
interface Subscription {
  readonly handler: Handler;
}

const COMMANDS = 'commands';
const UPDATES = 'updates';

/**
 * The production cache: Redis 7, through two ioredis connections, one for commands and one subscribed to
 * `crypto:updates` (a subscribed connection can run nothing else). Values and messages are the same JSON
 * as the embedded cache's, and what is read back is checked: a value that is not a LatestPrice reads as
 * null, a message that is not an Update is dropped, each counted and logged the first time. A subscriber
 * that throws is logged (once) and does not affect other subscribers.
 *
 * Nothing waits without bound and nothing queues: every call settles within about `commandTimeoutMs`
 * (also against a server that accepts connections and never answers), and while Redis is unreachable
 * every call rejects at once with TF_CACHE_UNAVAILABLE (retriable, 503), never a client error or a
 * synchronous throw. Reconnection goes on in the background for ever, with capped backoff; the outage is
 * logged once when it begins and once when it ends. After a reconnection the subscription is renewed, and
 * `onRestored` listeners are called, since a restarted Redis holds none of the keys it had.
 *
 * `start()` resolves once both connections are ready, or, when Redis cannot be reached, once the first
 * failure (or `connectTimeoutMs` without an answer) has been logged: a process whose cache is down still
 * starts and writes history, and the cache joins when Redis comes up. Before `start()` and after `close()`
 * every method rejects with TF_CACHE_UNAVAILABLE.
 */
export class RedisCache implements Cache {
  readonly kind = 'redis';
  /** `host:port/db`, safe to log. */
  readonly server: string;
  readonly #settings: RedisSettings;
  readonly #logger: Logger;
  readonly #outage: RedisOutage;
  readonly #commands: Redis;
  #stopSampling: () => void = () => undefined;
  readonly #updates: Redis;
  readonly #subscriptions = new Set<Subscription>();
  readonly #restoredListeners = new Set<{ readonly listener: () => void }>();
  #state: 'new' | 'open' | 'closed' = 'new';
  #starting: Promise<void> | undefined;
  #closing: Promise<void> | undefined;
  /** Whether the updates connection, as it is now, has subscribed to the channel. */
  #subscribed = false;
  #subscribing: Promise<void> | undefined;
  #resubscribeTimer: NodeJS.Timeout | undefined;
  readonly #invalidValues: Tally;
  readonly #invalidMessages: Tally;
  readonly #handlerFailures: Tally;
  readonly #listenerFailures: Tally;
  readonly #resubscribeFailures: Tally;

  /** Throws TF_CONFIG_INVALID for a bad URL or timeout; connects only in `start()`. */
  constructor(options: RedisCacheOptions) {
    this.#settings = redisSettings(options);
    this.server = this.#settings.server;
    const logger = options.logger;
    this.#logger = logger;
    this.#outage = new RedisOutage(logger, this.server);
    this.#invalidValues = new Tally((d) => {
      logger.warn(
        d,
        'a crypto:{SYMBOL}:latest value is not a LatestPrice; it reads as null; further ones are counted only',
      );
    });
    this.#invalidMessages = new Tally((d) => {
      logger.warn(
        d,
        'a crypto:updates message is not an update; it is dropped; further ones are counted only',
      );
    });
    this.#handlerFailures = new Tally((d) => {
      logger.error(d, 'a crypto:updates subscriber threw; further failures are counted only');
    });
    this.#listenerFailures = new Tally((d) => {
      logger.error(d, 'an onRestored listener threw; further failures are counted only');
    });
    this.#resubscribeFailures = new Tally((d) => {
      logger.warn(d, 'cannot subscribe to crypto:updates again; retrying; further failures are counted only');
    });
    this.#commands = this.#connection(COMMANDS);
    this.#updates = this.#connection(UPDATES);
    this.#commands.on('ready', () => {
      if (this.#outage.ready(COMMANDS)) this.#restored();
    });
    this.#updates.on('ready', () => {
      this.#outage.ready(UPDATES);
      this.#resubscribe();
    });
    this.#updates.on('close', () => {
      this.#subscribed = false;
    });
    this.#updates.on('message', (channel: string, json: string) => {
      this.#deliver(channel, json);
    });
  }

  start(): Promise<void> {
    if (this.#state === 'closed') return Promise.reject(cacheUnavailable('the redis cache is closed'));
    this.#starting ??= this.#start();
    return this.#starting;
  }

  setLatest(latest: LatestPrice, ttlMs: number): Promise<void> {
    return this.#call('SET', async () => {
      if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0) {
        throw new TickflowError('TF_CACHE_INVALID_TTL', `ttl must be a positive integer of ms, got ${ttlMs}`);
      }
      await this.#commands.set(latestKey(latest.symbol), JSON.stringify(latest), 'PX', ttlMs);
    });
  }

  getLatest(symbol: string): Promise<LatestPrice | null> {
    return this.#call('GET', async () => {
      const key = latestKey(symbol);
      const json = await this.#commands.get(key);
      if (json === null) return null;
      const latest = parseLatestPrice(json, symbol);
      if (latest === undefined) this.#invalidValues.note({ key, value: json.slice(0, 200) });
      return latest ?? null;
    });
  }

  publish(update: Update): Promise<void> {
    return this.#call('PUBLISH', async () => {
      await this.#commands.publish(UPDATES_CHANNEL, JSON.stringify(update));
    });
  }

  /**
   * SUBSCRIBEs the updates connection to `crypto:updates` if it is not yet; rejects TF_CACHE_UNAVAILABLE
   * when that fails, so the caller can try again. The connection stays subscribed until `close()`.
   */
  subscribe(handler: Handler): Promise<() => Promise<void>> {
    return this.#call('SUBSCRIBE', async () => {
      await this.#subscribe();
      const subscription: Subscription = { handler };
      this.#subscriptions.add(subscription);
      return () => {
        this.#subscriptions.delete(subscription);
        return Promise.resolve();
      };
    });
  }

  /**
   * Calls `listener` each time the command connection is ready after it was lost, and when Redis first
   * becomes reachable after `start()` went on without it (writes failed meanwhile); never on the connect
   * that `start()` waited for.
   */
  onRestored(listener: () => void): () => void {
    if (this.#state === 'closed') return () => undefined;
    const entry = { listener };
    this.#restoredListeners.add(entry);
    return () => {
      this.#restoredListeners.delete(entry);
    };
  }

  /** PINGs both connections: a cache that cannot deliver updates is not healthy either. */
  health(): Promise<void> {
    return this.#call('PING', async () => {
      await Promise.all([
        this.#commands.ping(),
        this.#updates.ping().catch((err: unknown) => {
          throw new Error(`the ${UPDATES} connection: ${errorMessage(err)}`, { cause: err });
        }),
      ]);
    });
  }

  /** QUITs both connections (each bounded by the command timeout), then disconnects. Safe to call twice. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  /** Redis's memory use and limit, for the scrape; a Redis that does not answer leaves them as they were. */
  async #sampleMemory(): Promise<void> {
    const info = await this.#call('INFO', () => this.#commands.info('memory'));
    const field = (name: string): number => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(info)?.[1] ?? 0);
    cacheMemoryUsed.set(field('used_memory'));
    cacheMemoryMax.set(field('maxmemory'));
  }

  /** Handlers subscribed to `crypto:updates`. */
  get subscribers(): number {
    return this.#subscriptions.size;
  }

  /** `crypto:{SYMBOL}:latest` values read that were not a LatestPrice of their symbol. */
  get invalidValues(): number {
    return this.#invalidValues.count;
  }

  /** `crypto:updates` messages received that were not an update, and so dropped. */
  get invalidMessages(): number {
    return this.#invalidMessages.count;
  }

  #connection(role: string): Redis {
    const redis = new Redis(this.#settings.url, connectionOptions(this.#settings, role));
    let lastError: unknown;
    // Never without an 'error' listener: ioredis emits some errors (a reply nobody asked for) straight to
    // the emitter, which would throw them and end the process, and prints the others on stderr.
    redis.on('error', (err: unknown) => {
      lastError = err;
    });
    redis.on('ready', () => {
      lastError = undefined;
    });
    redis.on('close', () => {
      if (this.#state === 'open') this.#outage.lost(role, lastError);
    });
    return redis;
  }

  async #start(): Promise<void> {
    this.#state = 'open';
    this.#stopSampling = addSampler(() => this.#sampleMemory());
    const { commandTimeoutMs, connectTimeoutMs } = this.#settings;
    this.#logger.info({ server: this.server, commandTimeoutMs, connectTimeoutMs }, 'connecting to redis');
    await Promise.all([this.#connect(this.#commands, COMMANDS), this.#connect(this.#updates, UPDATES)]);
    if (this.#closing !== undefined) throw cacheUnavailable('the redis cache was closed while it started');
    if (!this.#outage.isDown(COMMANDS) && !this.#outage.isDown(UPDATES)) {
      this.#logger.info({ server: this.server }, 'connected to redis');
    }
  }

  /** Settles when `redis` is ready, when its first attempt failed, or at the connect timeout. */
  async #connect(redis: Redis, role: string): Promise<void> {
    const ms = this.#settings.connectTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<Error>((resolve) => {
      timer = setTimeout(() => {
        resolve(new Error(`not ready within ${ms} ms`));
      }, ms);
    });
    const attempt = redis.connect().then(
      () => undefined,
      (err: unknown) => err,
    );
    const failure = await Promise.race([attempt, late]);
    clearTimeout(timer);
    if (failure !== undefined && this.#state === 'open') this.#outage.lost(role, failure);
  }

  /** Runs `fn` if the cache is open; every failure becomes a rejected TickflowError. */
  #call<T>(command: string, fn: () => Promise<T>): Promise<T> {
    if (this.#state !== 'open') {
      const why = this.#state === 'new' ? 'the redis cache is not started' : 'the redis cache is closed';
      return Promise.reject(cacheUnavailable(why));
    }
    return fn().catch((err: unknown) => {
      throw isTickflowError(err)
        ? err
        : cacheUnavailable(`${command} on redis ${this.server}: ${errorMessage(err)}`, err);
    });
  }

  #subscribe(): Promise<void> {
    if (this.#subscribed) return Promise.resolve();
    this.#subscribing ??= this.#updates
      .subscribe(UPDATES_CHANNEL)
      .then(() => {
        this.#subscribed = true;
      })
      .finally(() => {
        this.#subscribing = undefined;
      });
    return this.#subscribing;
  }

  /** Renews the subscription on a new updates connection, retrying until it holds or the cache closes. */
  #resubscribe(): void {
    clearTimeout(this.#resubscribeTimer);
    if (this.#state !== 'open' || this.#subscriptions.size === 0) return;
    this.#subscribe().catch((err: unknown) => {
      this.#resubscribeFailures.note({ err, server: this.server });
      if (this.#state !== 'open' || this.#updates.status !== 'ready') return; // the next 'ready' retries
      this.#resubscribeTimer = setTimeout(() => {
        this.#resubscribe();
      }, REDIS_DEFAULTS.reconnectMaxMs);
      this.#resubscribeTimer.unref();
    });
  }

  #deliver(channel: string, json: string): void {
    if (channel !== UPDATES_CHANNEL) return;
    const update = parseUpdate(json);
    if (update === undefined) {
      this.#invalidMessages.note({ channel, message: json.slice(0, 200) });
      return;
    }
    // Each handler gets its own copy, as from the embedded cache.
    let copy: Update | undefined = update;
    for (const { handler } of [...this.#subscriptions]) {
      try {
        handler(copy ?? (JSON.parse(json) as Update));
      } catch (err) {
        this.#handlerFailures.note({ err });
      }
      copy = undefined;
    }
  }

  #restored(): void {
    if (this.#state !== 'open') return;
    for (const { listener } of [...this.#restoredListeners]) {
      try {
        listener();
      } catch (err) {
        this.#listenerFailures.note({ err });
      }
    }
  }

  async #close(): Promise<void> {
    this.#state = 'closed';
    this.#stopSampling();
    clearTimeout(this.#resubscribeTimer);
    this.#subscriptions.clear();
    this.#restoredListeners.clear();
    await Promise.all([quit(this.#commands), quit(this.#updates)]);
    this.#logger.info({ server: this.server }, 'redis cache closed');
  }
}

/** QUIT (bounded by the command timeout) if connected, then disconnect, which also stops reconnecting. */
async function quit(redis: Redis): Promise<void> {
  if (redis.status === 'ready') await redis.quit().catch(() => undefined);
  redis.disconnect();
}

/** The Redis cache; throws TF_CONFIG_INVALID for a bad URL or timeout, before anything connects. */
export const createRedisCache = (options: RedisCacheOptions): RedisCache => new RedisCache(options);
