import { DEFAULT_INTERVALS } from '../domain/interval.js';
import { type CommandName, USED_BY } from './commands.js';
import { type Field, field } from './field.js';
import {
  alertRulesParser,
  durationParser,
  enumParser,
  hostParser,
  intervalsParser,
  brokersParser,
  numberParser,
  orNone,
  orUnset,
  originsParser,
  stringParser,
  thresholdsParser,
  urlParser,
} from './parsers.js';
import { SOURCE_SETTINGS } from './source-settings.js';

export { SOURCE_NAMES, type SourceName } from './source-settings.js';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/** Every setting tickflow reads, in the order `--help` lists them. */
export const SCHEMA = {
  host: field({
    env: 'HOST',
    flag: 'host',
    usedBy: USED_BY.services,
    default: '127.0.0.1',
    doc: "address of the API and dashboard, or of ingest's and process's metrics server",
    parse: hostParser,
  }),
  port: field({
    env: 'PORT',
    flag: 'port',
    usedBy: USED_BY.api,
    default: '8000',
    doc: 'API and dashboard port',
    parse: numberParser(0, 65535, true),
  }),
  metricsPort: field({
    env: 'TICKFLOW_METRICS_PORT',
    flag: 'metrics-port',
    usedBy: ['ingest', 'process'],
    default: '',
    doc: 'serve GET /metrics on this port (on HOST); empty: none (the API serves its own)',
    parse: orUnset(numberParser(0, 65535, true)),
  }),
  dataDir: field({
    env: 'TICKFLOW_DATA_DIR',
    flag: 'data-dir',
    usedBy: USED_BY.services,
    default: './data',
    doc: 'where the embedded log and store keep their files',
    parse: stringParser,
  }),
  ...SOURCE_SETTINGS,
  rateLimit: field({
    env: 'TICKFLOW_RATE_LIMIT',
    flag: 'rate-limit',
    usedBy: USED_BY.api,
    default: '6000',
    doc: 'HTTP requests a minute one IP address may make (0: no limit); beyond it, 429',
    parse: numberParser(0, 1_000_000_000, true),
  }),
  wsMaxClientsPerAddress: field({
    env: 'TICKFLOW_WS_MAX_CLIENTS_PER_ADDRESS',
    flag: 'ws-max-clients-per-address',
    usedBy: USED_BY.api,
    default: '64',
    doc: 'WebSocket clients one IP address may hold open at once (the dashboard opens one per symbol)',
    parse: numberParser(1, 1_000_000, true),
  }),
  corsOrigins: field({
    env: 'TICKFLOW_CORS_ORIGINS',
    flag: 'cors-origins',
    usedBy: USED_BY.api,
    default: 'http://localhost,http://127.0.0.1',
    doc: 'CORS allowlist (none: no cross-origin access); an origin without a port allows any port',
    parse: orNone(originsParser),
  }),
  latestTtl: field({
    env: 'TICKFLOW_LATEST_TTL',
    flag: 'latest-ttl',
    usedBy: ['start', 'ingest', 'process'],
    default: '45s',
    doc: 'TTL of crypto:{SYMBOL}:latest',
    parse: durationParser(1000),
  }),
  commitInterval: field({
    env: 'TICKFLOW_COMMIT_INTERVAL',
    flag: 'commit-interval',
    usedBy: USED_BY.processor,
    default: '1s',
    doc: 'how often the processor commits closed candles and alerts to the store',
    parse: durationParser(10),
  }),
  checkpointInterval: field({
    env: 'TICKFLOW_CHECKPOINT_INTERVAL',
    flag: 'checkpoint-interval',
    usedBy: USED_BY.processor,
    default: '30s',
    doc: "how often a commit also checkpoints the processor's state and log offsets (a restart replays from there)",
    parse: durationParser(10),
  }),
  intervals: field({
    env: 'TICKFLOW_INTERVALS',
    flag: 'intervals',
    usedBy: ['start', 'process', 'serve', 'replay'],
    default: DEFAULT_INTERVALS,
    doc: 'tumbling window sizes for candles',
    parse: intervalsParser,
  }),
  outOfOrderness: field({
    env: 'TICKFLOW_OUT_OF_ORDERNESS',
    flag: 'out-of-orderness',
    usedBy: USED_BY.engine,
    default: '10s',
    doc: 'how far behind its newest tick a tick may be and still be on time (per symbol)',
    parse: durationParser(0),
  }),
  allowedLateness: field({
    env: 'TICKFLOW_ALLOWED_LATENESS',
    flag: 'allowed-lateness',
    usedBy: USED_BY.engine,
    default: '0',
    doc: 'how long a closed candle still takes late ticks, re-emitted as an update',
    parse: durationParser(0),
  }),
  futureHorizon: field({
    env: 'TICKFLOW_FUTURE_HORIZON',
    flag: 'future-horizon',
    usedBy: ['start', 'ingest', 'process', 'replay'],
    default: '5m',
    doc: 'a tick whose event time is further ahead of its receipt time is rejected (dead-lettered)',
    parse: durationParser(1_000),
  }),
  maxSymbols: field({
    env: 'TICKFLOW_MAX_SYMBOLS',
    flag: 'max-symbols',
    usedBy: USED_BY.processor,
    default: '10000',
    doc: 'symbols each partition of crypto-prices keeps processor state for; a record of one more is dead-lettered',
    parse: numberParser(1, 10_000_000, true),
  }),
  idleTimeout: field({
    env: 'TICKFLOW_IDLE_TIMEOUT',
    flag: 'idle-timeout',
    usedBy: USED_BY.processor,
    default: '60s',
    doc: "live mode: after this long without a tick, a symbol's clock follows the wall clock",
    parse: durationParser(1),
  }),
  alertRules: field({
    env: 'TICKFLOW_ALERT_RULES',
    flag: 'alert-rules',
    usedBy: USED_BY.engine,
    default: 'price_spike,zscore,volume_spike,stale_feed',
    doc: 'anomaly rules to run (none: no alerts)',
    parse: orNone(alertRulesParser),
  }),
  priceSpikeThresholds: field({
    env: 'TICKFLOW_PRICE_SPIKE_THRESHOLDS',
    flag: 'price-spike-thresholds',
    usedBy: USED_BY.engine,
    default: '1m:0.01,5m:0.02,15m:0.03',
    doc: 'price_spike: abs(close/previous close - 1) per interval (other sizes: nearest of these from below)',
    parse: thresholdsParser,
  }),
  zscoreK: field({
    env: 'TICKFLOW_ZSCORE_K',
    flag: 'zscore-k',
    usedBy: USED_BY.engine,
    default: '3',
    doc: 'zscore: alert on a return beyond this many standard deviations',
    parse: numberParser(0.1, 100),
  }),
  zscoreWindow: field({
    env: 'TICKFLOW_ZSCORE_WINDOW',
    flag: 'zscore-window',
    usedBy: USED_BY.engine,
    default: '20',
    doc: 'zscore: how many previous returns make the rolling window',
    parse: numberParser(2, 10_000, true),
  }),
  volumeSpikeFactor: field({
    env: 'TICKFLOW_VOLUME_SPIKE_FACTOR',
    flag: 'volume-spike-factor',
    usedBy: USED_BY.engine,
    default: '3',
    doc: 'volume_spike: alert when volume is this many times the rolling mean',
    parse: numberParser(1, 1_000_000),
  }),
  staleWindows: field({
    env: 'TICKFLOW_STALE_WINDOWS',
    flag: 'stale-windows',
    usedBy: USED_BY.engine,
    default: '3',
    doc: 'stale_feed: alert after this many interval lengths without a tick',
    parse: numberParser(1, 10_000, true),
  }),
  alertCooldown: field({
    env: 'TICKFLOW_ALERT_COOLDOWN',
    flag: 'alert-cooldown',
    usedBy: USED_BY.engine,
    default: '5m',
    doc: 'event-time quiet period per (symbol, rule, interval) after an alert',
    parse: durationParser(0),
  }),
  kafkaBrokers: field({
    env: 'KAFKA_BROKERS',
    flag: 'kafka-brokers',
    usedBy: USED_BY.log,
    default: '',
    doc: 'Kafka bootstrap servers (host:port,...); empty: the embedded log in the data directory',
    parse: orUnset(brokersParser),
  }),
  logSegmentBytes: field({
    env: 'TICKFLOW_LOG_SEGMENT_BYTES',
    flag: 'log-segment-bytes',
    usedBy: USED_BY.log,
    default: '67108864',
    doc: 'embedded log: a partition rolls to a new segment file at this size (64 MiB)',
    parse: numberParser(1024, 1024 * 1024 * 1024, true),
  }),
  sessionTimeout: field({
    env: 'TICKFLOW_SESSION_TIMEOUT',
    flag: 'session-timeout',
    usedBy: USED_BY.group,
    default: '45s',
    doc: 'a processor silent for this long leaves the consumer group and its partitions move to the others',
    parse: durationParser(1000),
  }),
  pricesPartitions: field({
    env: 'TICKFLOW_PRICES_PARTITIONS',
    flag: 'prices-partitions',
    usedBy: USED_BY.log,
    default: '3',
    doc: 'partitions of crypto-prices when it is created (at most this many processors share the work)',
    parse: numberParser(1, 1000, true),
  }),
  alertsPartitions: field({
    env: 'TICKFLOW_ALERTS_PARTITIONS',
    flag: 'alerts-partitions',
    usedBy: USED_BY.log,
    default: '1',
    doc: 'partitions of crypto-alerts when it is created',
    parse: numberParser(1, 1000, true),
  }),
  databaseUrl: field({
    env: 'DATABASE_URL',
    flag: 'database-url',
    usedBy: USED_BY.store,
    default: '',
    doc: 'PostgreSQL store (postgres://user:password@host:port/db); empty: PGlite in the data directory',
    parse: orUnset(urlParser(['postgres:', 'postgresql:'])),
  }),
  redisUrl: field({
    env: 'REDIS_URL',
    flag: 'redis-url',
    usedBy: USED_BY.services,
    default: '',
    doc: 'Redis cache and live updates (redis://[:password@]host:port[/db]); empty: in-process',
    parse: orUnset(urlParser(['redis:', 'rediss:'])),
  }),
  shutdownTimeout: field({
    env: 'TICKFLOW_SHUTDOWN_TIMEOUT',
    flag: 'shutdown-timeout',
    usedBy: USED_BY.services,
    default: '30s',
    doc: 'longest a graceful stop may take before the process exits anyway (status 1)',
    parse: durationParser(100),
  }),
  logLevel: field({
    env: 'LOG_LEVEL',
    flag: 'log-level',
    usedBy: USED_BY.services,
    default: 'info',
    doc: 'log level',
    parse: enumParser(LOG_LEVELS),
  }),
} as const;

export type Schema = typeof SCHEMA;
export type SettingName = keyof Schema;
export type Settings = {
  readonly [K in SettingName]: Schema[K]['parse'] extends (raw: string) => infer R
    ? R extends { readonly value: infer V }
      ? V
      : never
    : never;
};

/** The settings `command` reads, in schema order. */
export const settingsOf = (command: CommandName): readonly Field<unknown>[] =>
  Object.values(SCHEMA).filter((f: Field<unknown>) => f.usedBy.includes(command));
