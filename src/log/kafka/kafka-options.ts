import type { Logger } from '../../logger.js';
import { LogError } from '../log-errors.js';
import { utf8Codec, type ByteCodec } from './byte-codec.js';

export interface KafkaLogOptions {
  /** Bootstrap brokers, `host:port`. */
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly logger: Logger;
  /** Replicas of the topics `ensureTopic` creates (default 1). */
  readonly replicationFactor?: number;
  /**
   * When a topic exists with fewer partitions than asked, add the missing ones (default false: warn).
   * Adding partitions moves keys to other partitions, which breaks per-key order across the change.
   */
  readonly addPartitions?: boolean;
  /** The broker expels a member it has not heard from for this long (default 45 s, Kafka's). */
  readonly sessionTimeoutMs?: number;
  /** How often members heartbeat (default 3 s). */
  readonly heartbeatIntervalMs?: number;
  /**
   * A member that does not poll for this long leaves the group and loses its partitions (Kafka's
   * max.poll.interval.ms, default 5 min); it is also how long a rebalance waits for members to rejoin.
   */
  readonly maxPollIntervalMs?: number;
  /** Requests other than a group join fail after this long (default 10 s). */
  readonly requestTimeoutMs?: number;
  /** A send not acknowledged within this fails, retriable (default 30 s). */
  readonly sendTimeoutMs?: number;
  /** `health()` fails after this long without an answer from the brokers (default 5 s). */
  readonly healthTimeoutMs?: number;
  /** Longest a close waits for the brokers before it drops the connections (default 10 s). */
  readonly closeTimeoutMs?: number;
  /** Bytes of keys and values (default UTF-8 text: tickflow writes JSON). */
  readonly codec?: ByteCodec;
}

export type ResolvedKafkaOptions = Readonly<Required<KafkaLogOptions>>;

const DEFAULTS = {
  replicationFactor: 1,
  addPartitions: false,
  sessionTimeoutMs: 45_000,
  heartbeatIntervalMs: 3_000,
  maxPollIntervalMs: 300_000,
  requestTimeoutMs: 10_000,
  sendTimeoutMs: 30_000,
  healthTimeoutMs: 5_000,
  closeTimeoutMs: 10_000,
} as const;

const invalid = (reason: string): LogError =>
  new LogError('TF_LOG_INVALID_ARGUMENT', `Kafka log options: ${reason}`);

/** Fills in defaults and refuses settings that cannot work, all checked once here. */
export function resolveKafkaOptions(options: KafkaLogOptions): ResolvedKafkaOptions {
  const resolved: ResolvedKafkaOptions = Object.freeze({
    ...DEFAULTS,
    codec: utf8Codec,
    ...options,
    brokers: Object.freeze([...options.brokers]),
  });
  if (resolved.brokers.length === 0) throw invalid('brokers must name at least one host:port');
  for (const broker of resolved.brokers) {
    if (!/^[^:\s]+:\d+$/.test(broker)) throw invalid(`broker "${broker}" is not host:port`);
  }
  for (const name of Object.keys(DEFAULTS) as (keyof typeof DEFAULTS)[]) {
    const value = resolved[name];
    if (typeof value === 'number' && !(Number.isInteger(value) && value > 0)) {
      throw invalid(`${name} must be a positive integer, not ${value}`);
    }
  }
  if (resolved.heartbeatIntervalMs >= resolved.sessionTimeoutMs) {
    throw invalid('heartbeatIntervalMs must be below sessionTimeoutMs');
  }
  // A member learns of a rebalance from its heartbeat, and must rejoin within maxPollIntervalMs.
  if (resolved.heartbeatIntervalMs >= resolved.maxPollIntervalMs) {
    throw invalid('heartbeatIntervalMs must be below maxPollIntervalMs');
  }
  return resolved;
}
