import { DEFAULT_INTERVALS } from '../domain/interval.js';
import { field } from './field.js';
import {
  alertRulesParser,
  durationParser,
  enumListParser,
  enumParser,
  hostParser,
  intervalsParser,
  numberParser,
  orNone,
  orUnset,
  originsParser,
  stringParser,
  symbolMapParser,
  symbolsParser,
  thresholdsParser,
  urlParser,
} from './parsers.js';

export const SOURCE_NAMES = ['coingecko', 'coinbase', 'binance', 'simulated', 'file'] as const;
export type SourceName = (typeof SOURCE_NAMES)[number];

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/** Every setting tickflow reads, in the order `--help` lists them. */
export const SCHEMA = {
  host: field({
    env: 'HOST',
    flag: 'host',
    default: '127.0.0.1',
    doc: 'API and dashboard address',
    parse: hostParser,
  }),
  port: field({
    env: 'PORT',
    flag: 'port',
    default: '8000',
    doc: 'API and dashboard port',
    parse: numberParser(0, 65535, true),
  }),
  dataDir: field({
    env: 'TICKFLOW_DATA_DIR',
    flag: 'data-dir',
    default: './data',
    doc: 'where the embedded log and store keep their files',
    parse: stringParser,
  }),
  sources: field({
    env: 'TICKFLOW_SOURCES',
    flag: 'sources',
    default: 'coingecko',
    doc: `price sources (${SOURCE_NAMES.join(', ')})`,
    parse: enumListParser(SOURCE_NAMES),
  }),
  symbols: field({
    env: 'TICKFLOW_SYMBOLS',
    flag: 'symbols',
    default: 'BTC,ETH',
    doc: 'symbols to follow',
    parse: symbolsParser,
  }),
  pollInterval: field({
    env: 'TICKFLOW_POLL_INTERVAL',
    flag: 'poll-interval',
    default: '30s',
    doc: 'CoinGecko poll interval',
    parse: durationParser(100),
  }),
  coingeckoBaseUrl: field({
    env: 'COINGECKO_BASE_URL',
    flag: 'coingecko-base-url',
    default: 'https://api.coingecko.com/api/v3',
    doc: 'CoinGecko API base URL',
    parse: urlParser(['http:', 'https:']),
  }),
  coingeckoApiKey: field({
    env: 'COINGECKO_API_KEY',
    flag: 'coingecko-api-key',
    default: '',
    doc: 'CoinGecko demo API key, sent as x-cg-demo-api-key (optional)',
    parse: stringParser,
  }),
  coingeckoIds: field({
    env: 'TICKFLOW_COINGECKO_IDS',
    flag: 'coingecko-ids',
    default: 'BTC:bitcoin,ETH:ethereum',
    doc: 'CoinGecko id per symbol (symbols not listed use their lower-case name)',
    parse: symbolMapParser,
  }),
  coingeckoMonthlyCalls: field({
    env: 'TICKFLOW_COINGECKO_MONTHLY_CALLS',
    flag: 'coingecko-monthly-calls',
    default: '10000',
    doc: 'monthly call budget; a warning is logged when the poll interval would exceed it',
    parse: numberParser(1, 1e9, true),
  }),
  sourceRetries: field({
    env: 'TICKFLOW_SOURCE_RETRIES',
    flag: 'source-retries',
    default: '3',
    doc: 'attempts per poll (or reconnect round) before a source skips it',
    parse: numberParser(1, 100, true),
  }),
  sourceTimeout: field({
    env: 'TICKFLOW_SOURCE_TIMEOUT',
    flag: 'source-timeout',
    default: '10s',
    doc: 'timeout of one source request',
    parse: durationParser(10),
  }),
  sourceSilence: field({
    env: 'TICKFLOW_SOURCE_SILENCE',
    flag: 'source-silence',
    default: '30s',
    doc: 'WebSocket sources reconnect after this long without a message',
    parse: durationParser(100),
  }),
  coinbaseWsUrl: field({
    env: 'COINBASE_WS_URL',
    flag: 'coinbase-ws-url',
    default: 'wss://ws-feed.exchange.coinbase.com',
    doc: 'Coinbase Exchange WebSocket feed',
    parse: urlParser(['ws:', 'wss:']),
  }),
  coinbaseRestUrl: field({
    env: 'COINBASE_REST_URL',
    flag: 'coinbase-rest-url',
    default: 'https://api.exchange.coinbase.com',
    doc: 'Coinbase Exchange REST API (gap back-fill)',
    parse: urlParser(['http:', 'https:']),
  }),
  binanceWsUrl: field({
    env: 'BINANCE_WS_URL',
    flag: 'binance-ws-url',
    default: 'wss://stream.binance.com:9443',
    doc: 'Binance WebSocket base URL',
    parse: urlParser(['ws:', 'wss:']),
  }),
  binanceRestUrl: field({
    env: 'BINANCE_REST_URL',
    flag: 'binance-rest-url',
    default: 'https://api.binance.com',
    doc: 'Binance REST API (gap back-fill)',
    parse: urlParser(['http:', 'https:']),
  }),
  simulatedRate: field({
    env: 'TICKFLOW_SIMULATED_RATE',
    flag: 'simulated-rate',
    default: '2',
    doc: 'simulated source: ticks per second per symbol',
    parse: numberParser(0.001, 100_000),
  }),
  simulatedSeed: field({
    env: 'TICKFLOW_SIMULATED_SEED',
    flag: 'simulated-seed',
    default: '1',
    doc: 'simulated source: random seed',
    parse: numberParser(0, 2 ** 31, true),
  }),
  fileInput: field({
    env: 'TICKFLOW_FILE_INPUT',
    flag: 'file-input',
    default: '',
    doc: 'file source: JSONL ticks to append to the log',
    parse: stringParser,
  }),
  corsOrigins: field({
    env: 'TICKFLOW_CORS_ORIGINS',
    flag: 'cors-origins',
    default: 'http://localhost,http://127.0.0.1',
    doc: 'CORS allowlist (none: no cross-origin access); an origin without a port allows any port',
    parse: orNone(originsParser),
  }),
  latestTtl: field({
    env: 'TICKFLOW_LATEST_TTL',
    flag: 'latest-ttl',
    default: '45s',
    doc: 'TTL of crypto:{SYMBOL}:latest',
    parse: durationParser(1000),
  }),
  commitInterval: field({
    env: 'TICKFLOW_COMMIT_INTERVAL',
    flag: 'commit-interval',
    default: '1s',
    doc: 'how often the processor commits closed candles and alerts to the store',
    parse: durationParser(10),
  }),
  checkpointInterval: field({
    env: 'TICKFLOW_CHECKPOINT_INTERVAL',
    flag: 'checkpoint-interval',
    default: '30s',
    doc: "how often a commit also checkpoints the processor's state and log offsets (a restart replays from there)",
    parse: durationParser(10),
  }),
  intervals: field({
    env: 'TICKFLOW_INTERVALS',
    flag: 'intervals',
    default: DEFAULT_INTERVALS,
    doc: 'tumbling window sizes for candles',
    parse: intervalsParser,
  }),
  outOfOrderness: field({
    env: 'TICKFLOW_OUT_OF_ORDERNESS',
    flag: 'out-of-orderness',
    default: '10s',
    doc: 'how far behind its newest tick a tick may be and still be on time (per symbol)',
    parse: durationParser(0),
  }),
  allowedLateness: field({
    env: 'TICKFLOW_ALLOWED_LATENESS',
    flag: 'allowed-lateness',
    default: '0',
    doc: 'how long a closed candle still takes late ticks, re-emitted as an update',
    parse: durationParser(0),
  }),
  futureHorizon: field({
    env: 'TICKFLOW_FUTURE_HORIZON',
    flag: 'future-horizon',
    default: '5m',
    doc: 'a tick whose event time is further ahead of its receipt time is rejected (dead-lettered)',
    parse: durationParser(1_000),
  }),
  idleTimeout: field({
    env: 'TICKFLOW_IDLE_TIMEOUT',
    flag: 'idle-timeout',
    default: '60s',
    doc: "live mode: after this long without a tick, a symbol's clock follows the wall clock",
    parse: durationParser(1),
  }),
  alertRules: field({
    env: 'TICKFLOW_ALERT_RULES',
    flag: 'alert-rules',
    default: 'price_spike,zscore,volume_spike,stale_feed',
    doc: 'anomaly rules to run (none: no alerts)',
    parse: orNone(alertRulesParser),
  }),
  priceSpikeThresholds: field({
    env: 'TICKFLOW_PRICE_SPIKE_THRESHOLDS',
    flag: 'price-spike-thresholds',
    default: '1m:0.01,5m:0.02,15m:0.03',
    doc: 'price_spike: |close/previous close - 1| per interval (other sizes: nearest of these from below)',
    parse: thresholdsParser,
  }),
  zscoreK: field({
    env: 'TICKFLOW_ZSCORE_K',
    flag: 'zscore-k',
    default: '3',
    doc: 'zscore: alert on a return beyond this many standard deviations',
    parse: numberParser(0.1, 100),
  }),
  zscoreWindow: field({
    env: 'TICKFLOW_ZSCORE_WINDOW',
    flag: 'zscore-window',
    default: '20',
    doc: 'zscore: how many previous returns make the rolling window',
    parse: numberParser(2, 10_000, true),
  }),
  volumeSpikeFactor: field({
    env: 'TICKFLOW_VOLUME_SPIKE_FACTOR',
    flag: 'volume-spike-factor',
    default: '3',
    doc: 'volume_spike: alert when volume is this many times the rolling mean',
    parse: numberParser(1, 1_000_000),
  }),
  staleWindows: field({
    env: 'TICKFLOW_STALE_WINDOWS',
    flag: 'stale-windows',
    default: '3',
    doc: 'stale_feed: alert after this many interval lengths without a tick',
    parse: numberParser(1, 10_000, true),
  }),
  alertCooldown: field({
    env: 'TICKFLOW_ALERT_COOLDOWN',
    flag: 'alert-cooldown',
    default: '5m',
    doc: 'event-time quiet period per (symbol, rule, interval) after an alert',
    parse: durationParser(0),
  }),
  pricesPartitions: field({
    env: 'TICKFLOW_PRICES_PARTITIONS',
    flag: 'prices-partitions',
    default: '3',
    doc: 'partitions of crypto-prices when it is created (at most this many processors share the work)',
    parse: numberParser(1, 1000, true),
  }),
  alertsPartitions: field({
    env: 'TICKFLOW_ALERTS_PARTITIONS',
    flag: 'alerts-partitions',
    default: '1',
    doc: 'partitions of crypto-alerts when it is created',
    parse: numberParser(1, 1000, true),
  }),
  databaseUrl: field({
    env: 'DATABASE_URL',
    flag: 'database-url',
    default: '',
    doc: 'PostgreSQL store (postgres://user:password@host:port/db); empty: PGlite in the data directory',
    parse: orUnset(urlParser(['postgres:', 'postgresql:'])),
  }),
  logLevel: field({
    env: 'LOG_LEVEL',
    flag: 'log-level',
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
