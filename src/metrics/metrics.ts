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

// Sources
export const sourceRequests = new Counter({
  name: 'tickflow_source_requests_total',
  help: 'HTTP requests to sources, by result (ok, error, rate_limited, timeout, rejected)',
  labelNames: ['source', 'result'] as const,
  registers,
});
export const sourcePolls = new Counter({
  name: 'tickflow_source_polls_total',
  help: 'Polls of polling sources, by result (ok, failed)',
  labelNames: ['source', 'result'] as const,
  registers,
});
export const sourceFetchDuration = new Histogram({
  name: 'tickflow_source_fetch_duration_seconds',
  help: 'Time from a source request to its whole body',
  labelNames: ['source'] as const,
  buckets: SECONDS,
  registers,
});
export const sourceRetries = new Counter({
  name: 'tickflow_source_retries_total',
  help: 'Failed source requests or connections tried again',
  labelNames: ['source'] as const,
  registers,
});
export const sourceTicks = new Counter({
  name: 'tickflow_source_ticks_total',
  help: 'Ticks appended to the log, by source and symbol (symbols outside the configured ones are "other")',
  labelNames: ['source', 'symbol'] as const,
  registers,
});
export const sourceSecondsSinceSuccess = new Gauge({
  name: 'tickflow_source_seconds_since_success',
  help: 'Seconds since the source last fetched or received something successfully',
  labelNames: ['source'] as const,
  registers,
});

// Log
export const logAppended = new Counter({
  name: 'tickflow_log_appended_total',
  help: 'Records appended to the log, by topic',
  labelNames: ['topic'] as const,
  registers,
});
export const logConsumed = new Counter({
  name: 'tickflow_log_consumed_total',
  help: 'Records consumed from the log, by topic',
  labelNames: ['topic'] as const,
  registers,
});
export const logConsumerLag = new Gauge({
  name: 'tickflow_log_consumer_lag',
  help: 'Records of an owned partition not yet consumed',
  labelNames: ['topic', 'partition'] as const,
  registers,
});

// Processor
export const processorRecordsIn = new Counter({
  name: 'tickflow_processor_records_in_total',
  help: 'Log records the processor handled',
  registers,
});
export const processorRecordsOut = new Counter({
  name: 'tickflow_processor_records_out_total',
  help: 'Candles and alerts the processor committed, by kind (candle, alert)',
  labelNames: ['kind'] as const,
  registers,
});
export const processorWatermark = new Gauge({
  name: 'tickflow_processor_watermark_seconds',
  help: "The partition's event-time clock (the lowest of its symbols'), in Unix seconds",
  labelNames: ['partition'] as const,
  registers,
});
export const processorEventTimeLag = new Gauge({
  name: 'tickflow_processor_event_time_lag_seconds',
  help: "Wall clock minus the partition's watermark",
  labelNames: ['partition'] as const,
  registers,
});
export const processorWindowsFired = new Counter({
  name: 'tickflow_processor_windows_fired_total',
  help: 'Closed candles committed, by interval',
  labelNames: ['interval'] as const,
  registers,
});
export const processorLateTicks = new Counter({
  name: 'tickflow_processor_late_ticks_total',
  help: 'Ticks behind the watermark (sent to the late topic)',
  registers,
});
export const processorDuplicateTicks = new Counter({
  name: 'tickflow_processor_duplicate_ticks_total',
  help: 'Ticks dropped as a repeat of one already seen',
  registers,
});
export const processorDeadLetters = new Counter({
  name: 'tickflow_processor_dead_letters_total',
  help: 'Records sent to the dead-letter topic, by error code',
  labelNames: ['code'] as const,
  registers,
});
export const checkpointDuration = new Histogram({
  name: 'tickflow_processor_checkpoint_duration_seconds',
  help: 'Time to commit a batch that carries a checkpoint',
  buckets: SECONDS,
  registers,
});
export const checkpointBytes = new Gauge({
  name: 'tickflow_processor_checkpoint_bytes',
  help: 'Size of the newest checkpoint written',
  registers,
});
export const checkpointFailures = new Counter({
  name: 'tickflow_processor_checkpoint_failures_total',
  help: 'Commits carrying a checkpoint that failed',
  registers,
});
export const processorRestores = new Counter({
  name: 'tickflow_processor_restores_total',
  help: 'Partitions restored from a checkpoint',
  registers,
});
export const partitionsGained = new Counter({
  name: 'tickflow_processor_partitions_gained_total',
  help: 'Partitions assigned to this processor',
  registers,
});
export const partitionsLost = new Counter({
  name: 'tickflow_processor_partitions_lost_total',
  help: 'Partitions revoked from or lost by this processor',
  registers,
});
export const partitionsOwned = new Gauge({
  name: 'tickflow_processor_partitions_owned',
  help: 'Partitions this processor owns now',
  registers,
});

// Sinks
export const sinkWriteDuration = new Histogram({
  name: 'tickflow_sink_write_duration_seconds',
  help: 'Time of one write to a sink (store, cache, alerts)',
  labelNames: ['sink'] as const,
  buckets: SECONDS,
  registers,
});
export const sinkErrors = new Counter({
  name: 'tickflow_sink_errors_total',
  help: 'Writes to a sink that failed',
  labelNames: ['sink'] as const,
  registers,
});
export const sinkBatchSize = new Histogram({
  name: 'tickflow_sink_batch_size',
  help: 'Items in one write to a sink',
  labelNames: ['sink'] as const,
  buckets: BATCH,
  registers,
});
export const sinkCircuitOpen = new Gauge({
  name: 'tickflow_sink_circuit_open',
  help: "1 while the sink's circuit breaker is open (its writes fail fast), else 0",
  labelNames: ['sink'] as const,
  registers,
});
export const storePoolConnections = new Gauge({
  name: 'tickflow_store_pool_connections',
  help: 'PostgreSQL pool connections (total, idle) and requests waiting for one (waiting)',
  labelNames: ['state'] as const,
  registers,
});
export const storePoolMax = new Gauge({
  name: 'tickflow_store_pool_max',
  help: 'The most connections the PostgreSQL pool opens',
  registers,
});
export const cacheMemoryUsed = new Gauge({
  name: 'tickflow_cache_memory_used_bytes',
  help: "Redis's used_memory",
  registers,
});
export const cacheMemoryMax = new Gauge({
  name: 'tickflow_cache_memory_max_bytes',
  help: "Redis's maxmemory (0: no limit)",
  registers,
});

// API
export const httpRequestDuration = new Histogram({
  name: 'tickflow_http_request_duration_seconds',
  help: 'API request duration, by method, route and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: SECONDS,
  registers,
});
export const wsClients = new Gauge({
  name: 'tickflow_ws_clients',
  help: 'WebSocket clients connected',
  registers,
});
export const wsMessagesSent = new Counter({
  name: 'tickflow_ws_messages_sent_total',
  help: 'Messages sent to WebSocket clients',
  registers,
});
export const wsMessagesConflated = new Counter({
  name: 'tickflow_ws_messages_conflated_total',
  help: 'Messages a slow WebSocket client never got, replaced by a newer one of their kind',
  registers,
});

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
