/**
 * The metrics tickflow's processes serve (on /metrics, and on --metrics-port for ingest and process), as
 * the dashboard and the alerts may query them. A stand-in until an end-to-end test reads the names from a
 * real scrape instead.
 */
export type MetricKind = 'counter' | 'gauge' | 'histogram';

export const METRICS: Readonly<Record<string, MetricKind>> = {
  tickflow_source_requests_total: 'counter',
  tickflow_source_polls_total: 'counter',
  tickflow_source_fetch_duration_seconds: 'histogram',
  tickflow_source_retries_total: 'counter',
  tickflow_source_ticks_total: 'counter',
  tickflow_source_seconds_since_success: 'gauge',

  tickflow_log_appended_total: 'counter',
  tickflow_log_consumed_total: 'counter',
  tickflow_log_consumer_lag: 'gauge',

  tickflow_processor_records_in_total: 'counter',
  tickflow_processor_records_out_total: 'counter',
  tickflow_processor_watermark_seconds: 'gauge',
  tickflow_processor_event_time_lag_seconds: 'gauge',
  tickflow_processor_windows_fired_total: 'counter',
  tickflow_processor_late_ticks_total: 'counter',
  tickflow_processor_duplicate_ticks_total: 'counter',
  tickflow_processor_dead_letters_total: 'counter',
  tickflow_processor_checkpoint_duration_seconds: 'histogram',
  tickflow_processor_checkpoint_bytes: 'gauge',
  tickflow_processor_checkpoint_failures_total: 'counter',
  tickflow_processor_restores_total: 'counter',
  tickflow_processor_partitions_gained_total: 'counter',
  tickflow_processor_partitions_lost_total: 'counter',
  tickflow_processor_partitions_owned: 'gauge',

  tickflow_sink_write_duration_seconds: 'histogram',
  tickflow_sink_errors_total: 'counter',
  tickflow_sink_batch_size: 'histogram',
  tickflow_sink_circuit_open: 'gauge',
  tickflow_store_pool_connections: 'gauge',
  tickflow_store_pool_max: 'gauge',
  tickflow_cache_memory_used_bytes: 'gauge',
  tickflow_cache_memory_max_bytes: 'gauge',

  tickflow_http_request_duration_seconds: 'histogram',
  tickflow_ws_clients: 'gauge',
  tickflow_ws_messages_sent_total: 'counter',
  tickflow_ws_messages_conflated_total: 'counter',

  // prom-client's default metrics, in every process.
  process_start_time_seconds: 'gauge',
  process_resident_memory_bytes: 'gauge',
  nodejs_eventloop_lag_seconds: 'gauge',
};

/** The series names a query can select: a histogram only as its _bucket, _sum and _count. */
export function expectedSeriesNames(): Set<string> {
  return new Set(
    Object.entries(METRICS).flatMap(([name, kind]) =>
      kind === 'histogram' ? [`${name}_bucket`, `${name}_sum`, `${name}_count`] : [name],
    ),
  );
}
