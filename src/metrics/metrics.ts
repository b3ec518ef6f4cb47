import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Every metric tickflow exports, in one registry per process: `GET /metrics` on the API and the
 * `--metrics-port` server of `ingest` and `process` serve it. The names are part of the contract (the
 * alert rules and the Grafana dashboard in deploy/ query them). Labels stay bounded: sources, topics,
 * partitions, intervals, error codes, routes, and symbols only among the configured ones.
 */
export const registry = new Registry();

let processMetrics = false;

/** Adds the standard process and Node.js metrics (CPU, memory, event-loop lag, start time), once. */
export function collectProcessMetrics(): void {
  if (processMetrics) return;
  processMetrics = true;
  collectDefaultMetrics({ register: registry });
}

const registers = [registry];
const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const BATCH = [1, 5, 10, 50, 100, 500, 1_000, 5_000];

const counter = <L extends string = never>(name: string, help: string, labelNames: readonly L[] = []) =>
  new Counter<L>({ name, help, labelNames, registers });
const gauge = <L extends string = never>(name: string, help: string, labelNames: readonly L[] = []) =>
  new Gauge<L>({ name, help, labelNames, registers });
const histogram = <L extends string = never>(
  name: string,
  help: string,
  buckets: number[],
  labelNames: readonly L[] = [],
) => new Histogram<L>({ name, help, buckets, labelNames, registers });

// Sources
export const sourceRequests = counter(
  'tickflow_source_requests_total',
  'HTTP requests to sources, by result (ok, error, rate_limited, timeout, rejected)',
  ['source', 'result'],
);
export const sourcePolls = counter(
  'tickflow_source_polls_total',
  'Polls of polling sources, by result (ok, failed)',
  ['source', 'result'],
);
export const sourceFetchDuration = histogram(
  'tickflow_source_fetch_duration_seconds',
  'Time from a source request to its whole body',
  SECONDS,
  ['source'],
);
export const sourceRetries = counter(
  'tickflow_source_retries_total',
  'Failed source requests or connections tried again',
  ['source'],
);
export const sourceTicks = counter(
  'tickflow_source_ticks_total',
  'Ticks appended to the log, by source and symbol (symbols outside the configured ones are "other")',
  ['source', 'symbol'],
);
export const sourceSecondsSinceSuccess = gauge(
  'tickflow_source_seconds_since_success',
  'Seconds since the source last fetched or received something successfully',
  ['source'],
);

// Log
export const logAppended = counter('tickflow_log_appended_total', 'Records appended to the log, by topic', [
  'topic',
]);
export const logConsumed = counter('tickflow_log_consumed_total', 'Records consumed from the log, by topic', [
  'topic',
]);
export const logConsumerLag = gauge(
  'tickflow_log_consumer_lag',
  'Records of an owned partition not yet consumed',
  ['topic', 'partition'],
);

// Processor
export const processorRecordsIn = counter(
  'tickflow_processor_records_in_total',
  'Log records the processor handled',
);
export const processorRecordsOut = counter(
  'tickflow_processor_records_out_total',
  'Candles and alerts the processor committed, by kind (candle, alert)',
  ['kind'],
);
export const processorWatermark = gauge(
  'tickflow_processor_watermark_seconds',
  "The partition's event-time clock (the lowest of its symbols'), in Unix seconds",
  ['partition'],
);
export const processorEventTimeLag = gauge(
  'tickflow_processor_event_time_lag_seconds',
  "Wall clock minus the partition's watermark",
  ['partition'],
);
export const processorWindowsFired = counter(
  'tickflow_processor_windows_fired_total',
  'Closed candles committed, by interval',
  ['interval'],
);
export const processorLateTicks = counter(
  'tickflow_processor_late_ticks_total',
  'Ticks behind the watermark (sent to the late topic)',
);
export const processorDuplicateTicks = counter(
  'tickflow_processor_duplicate_ticks_total',
  'Ticks dropped as a repeat of one already seen',
);
export const processorDeadLetters = counter(
  'tickflow_processor_dead_letters_total',
  'Records sent to the dead-letter topic, by error code',
  ['code'],
);
export const checkpointDuration = histogram(
  'tickflow_processor_checkpoint_duration_seconds',
  'Time to commit a batch that carries a checkpoint',
  SECONDS,
);
export const checkpointBytes = gauge(
  'tickflow_processor_checkpoint_bytes',
  'Size of the newest checkpoint written',
);
export const checkpointFailures = counter(
  'tickflow_processor_checkpoint_failures_total',
  'Commits carrying a checkpoint that failed',
);
export const processorRestores = counter(
  'tickflow_processor_restores_total',
  'Partitions restored from a checkpoint',
);
export const partitionsGained = counter(
  'tickflow_processor_partitions_gained_total',
  'Partitions assigned to this processor',
);
export const partitionsLost = counter(
  'tickflow_processor_partitions_lost_total',
  'Partitions revoked from or lost by this processor',
);
export const partitionsOwned = gauge(
  'tickflow_processor_partitions_owned',
  'Partitions this processor owns now',
);

// Sinks
export const sinkWriteDuration = histogram(
  'tickflow_sink_write_duration_seconds',
  'Time of one write to a sink (store, cache, alerts)',
  SECONDS,
  ['sink'],
);
export const sinkErrors = counter('tickflow_sink_errors_total', 'Writes to a sink that failed', ['sink']);
export const sinkBatchSize = histogram('tickflow_sink_batch_size', 'Items in one write to a sink', BATCH, [
  'sink',
]);
export const sinkCircuitOpen = gauge(
  'tickflow_sink_circuit_open',
  "1 while the sink's circuit breaker is open (its writes fail fast), else 0",
  ['sink'],
);
export const storePoolConnections = gauge(
  'tickflow_store_pool_connections',
  'PostgreSQL pool connections (total, idle) and requests waiting for one (waiting)',
  ['state'],
);
export const storePoolMax = gauge(
  'tickflow_store_pool_max',
  'The most connections the PostgreSQL pool opens',
);
export const cacheMemoryUsed = gauge('tickflow_cache_memory_used_bytes', "Redis's used_memory");
export const cacheMemoryMax = gauge('tickflow_cache_memory_max_bytes', "Redis's maxmemory (0: no limit)");

// API
export const httpRequestDuration = histogram(
  'tickflow_http_request_duration_seconds',
  'API request duration, by method, route and status',
  SECONDS,
  ['method', 'route', 'status'],
);
export const wsClients = gauge('tickflow_ws_clients', 'WebSocket clients connected');
export const wsMessagesSent = counter(
  'tickflow_ws_messages_sent_total',
  'Messages sent to WebSocket clients',
);
export const wsMessagesConflated = counter(
  'tickflow_ws_messages_conflated_total',
  'Messages a slow WebSocket client never got, replaced by a newer one of their kind',
);

/**
 * Runs one write to a sink, observing its duration and size and counting a failure. A write whose items
 * can fail one by one (the cache's) reports them itself; this counts the write that threw.
 */
export async function timedWrite<T>(sink: string, size: number, write: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await write();
  } catch (err) {
    sinkErrors.inc({ sink });
    throw err;
  } finally {
    sinkWriteDuration.observe({ sink }, (performance.now() - started) / 1_000);
    sinkBatchSize.observe({ sink }, size);
  }
}
