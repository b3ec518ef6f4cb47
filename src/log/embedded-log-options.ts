import { DEFAULT_SESSION_TIMEOUT_MS } from './embedded-group.js';
import { LogError } from './log-errors.js';

export interface EmbeddedLogOptions {
  /** Roll to a new segment file at this size (default 64 MiB). */
  readonly segmentBytes?: number;
  /** Delete whole segments whose newest record is older than this (default 7 days). */
  readonly retentionMs?: number;
  /** Delete the oldest whole segments while a partition is bigger than this without them (default 1 GiB). */
  readonly retentionBytes?: number;
  /** How often retention runs (default 5 minutes; it also runs at start). */
  readonly retentionCheckIntervalMs?: number;
  /** One sparse index entry per this many bytes of a segment (default 4 KiB). */
  readonly indexIntervalBytes?: number;
  /** Largest record accepted, framing included (default 1 MiB, Kafka's message.max.bytes). */
  readonly maxRecordBytes?: number;
  /** A group member that has not polled for this long is expelled and its partitions move (default 45 s). */
  readonly sessionTimeoutMs?: number;
  /** Append-time clock (default Date.now). */
  readonly now?: () => number;
}

export const EMBEDDED_LOG_DEFAULTS = {
  segmentBytes: 64 * 1024 * 1024,
  retentionMs: 7 * 24 * 60 * 60 * 1000,
  retentionBytes: 1024 * 1024 * 1024,
  retentionCheckIntervalMs: 5 * 60 * 1000,
  indexIntervalBytes: 4096,
  maxRecordBytes: 1024 * 1024,
  sessionTimeoutMs: DEFAULT_SESSION_TIMEOUT_MS,
} as const;

export type ResolvedLogOptions = Required<EmbeddedLogOptions>;

/** Fills in defaults and refuses values that cannot work (zero or negative sizes and times). */
export function resolveOptions(options: EmbeddedLogOptions): ResolvedLogOptions {
  const resolved: ResolvedLogOptions = { ...EMBEDDED_LOG_DEFAULTS, now: Date.now, ...options };
  for (const name of Object.keys(EMBEDDED_LOG_DEFAULTS) as (keyof typeof EMBEDDED_LOG_DEFAULTS)[]) {
    const value = resolved[name];
    if (!(value > 0)) {
      throw new LogError('TF_LOG_INVALID_ARGUMENT', `EmbeddedLog option ${name} must be > 0, not ${value}`);
    }
  }
  return resolved;
}
