/**
 * Every code tickflow gives an error, a log line or a dead letter, with the HTTP status the API answers
 * when such an error reaches a client, whether trying again can succeed, and what it means. Codes are part
 * of the contract (logs, `/health`, the API and the dead-letter topic carry them); docs/errors.md lists
 * them, and a test keeps the two equal. A code used anywhere must be here: `ErrorCode` is their union.
 */
export interface ErrorCodeSpec {
  /**
   * HTTP status of the API's answer (503 for every retriable failure, which the API answers as 503),
   * also for the codes that are only logged or dead-lettered and never reach a client on their own.
   */
  readonly status: number;
  readonly retriable: boolean;
  readonly meaning: string;
}

const code = (status: number, retriable: boolean, meaning: string): ErrorCodeSpec => ({
  status,
  retriable,
  meaning,
});

export const ERROR_CODES = {
  // Command line and configuration
  TF_USAGE: code(
    400,
    false,
    'a command was given a flag, option or argument it does not take (exit status 2)',
  ),
  TF_CONFIG_INVALID: code(500, false, 'one or more settings are invalid; every violation is listed at once'),
  TF_DATA_DIR_UNUSABLE: code(
    500,
    false,
    'the data directory cannot be created or written (EROFS, EACCES, ENOSPC)',
  ),
  TF_CHECKPOINT_INCOMPATIBLE: code(
    500,
    false,
    'a processor checkpoint was taken with other window settings or by another version',
  ),

  // API
  TF_BAD_REQUEST: code(400, false, 'a malformed HTTP request (request line, header, method, missing Host)'),
  TF_INVALID_PARAM: code(400, false, 'a query or path parameter breaks its rule; the message names it'),
  TF_UNKNOWN_SYMBOL: code(404, false, 'the symbol is neither configured nor in the store'),
  TF_NO_RECENT_PRICE: code(404, false, 'no price for the symbol arrived within the latest-price TTL'),
  TF_NOT_FOUND: code(404, false, 'no route or file at that path'),
  TF_METHOD_NOT_ALLOWED: code(
    405,
    false,
    'the route does not take that HTTP method (CONNECT is never taken)',
  ),
  TF_NOT_ACCEPTABLE: code(406, false, 'the response cannot be given in a type the Accept header allows'),
  TF_REQUEST_TIMEOUT: code(408, false, 'the request did not arrive within the request timeout'),
  TF_PAYLOAD_TOO_LARGE: code(413, false, 'the request body or its chunk extensions are too large'),
  TF_URI_TOO_LONG: code(414, false, 'the request URL is too long'),
  TF_UNSUPPORTED_MEDIA_TYPE: code(415, false, 'the request body has a content type the route does not take'),
  TF_HEADERS_TOO_LARGE: code(431, false, 'the request line and headers exceed the header size limit'),
  TF_ORIGIN_FORBIDDEN: code(
    403,
    false,
    'a WebSocket upgrade from a page of an origin outside the CORS allowlist',
  ),
  TF_RATE_LIMITED: code(
    429,
    true,
    'the address made more requests a minute than the rate limit; retry after the given time',
  ),
  TF_TOO_MANY_CLIENTS_FROM_ADDRESS: code(
    429,
    false,
    'the address already holds its limit of WebSocket clients',
  ),
  TF_TOO_MANY_CLIENTS: code(503, true, 'the server already serves its limit of WebSocket clients'),
  TF_SHUTTING_DOWN: code(
    503,
    true,
    'the server is shutting down; another instance, or this one restarted, can answer',
  ),
  TF_TIMEOUT: code(503, true, 'the request took longer than the handler timeout'),
  TF_INTERNAL: code(500, false, 'an unexpected error; the details are in the log, never in the answer'),

  // Sources and ingest
  TF_SOURCE_UNAVAILABLE: code(
    503,
    true,
    'a source answered 429 or 5xx, timed out, or its connection failed or fell silent',
  ),
  TF_SOURCE_CONFIG: code(
    500,
    false,
    'a source refused the request as configured (its URL, key, ids or products are wrong)',
  ),
  TF_SOURCE_PAYLOAD: code(500, false, 'a source answered with something other than its documented shape'),
  TF_TICK_IMPLAUSIBLE_TIME: code(
    500,
    false,
    'a tick stamped further ahead of its receipt than the future horizon, dead-lettered',
  ),
  TF_INGEST_WRITE_FAILED: code(
    503,
    true,
    "the log refuses the ingest side's writes; ticks are appended again and prices marked stale",
  ),

  // Log
  TF_LOG_LOCKED: code(500, false, "another process holds the embedded log's directory"),
  TF_LOG_UNAVAILABLE: code(503, true, 'the log cannot be reached, is closed, or did not answer in time'),
  TF_LOG_IO: code(503, true, "a read or write of the embedded log's files failed (a full disk, say)"),
  TF_LOG_CORRUPT: code(500, false, 'a file of the embedded log is not in its format'),
  TF_LOG_INVALID_TOPIC: code(500, false, 'a topic name the log does not accept'),
  TF_LOG_UNKNOWN_TOPIC: code(500, false, 'the topic does not exist'),
  TF_LOG_PARTITION_MISMATCH: code(
    500,
    false,
    'a topic exists with another partition count than the one asked for',
  ),
  TF_LOG_INVALID_RECORD: code(500, false, 'a record whose key or value is not a string'),
  TF_LOG_RECORD_TOO_LARGE: code(500, false, "a record over the log's size limit"),
  TF_LOG_INVALID_ARGUMENT: code(500, false, 'a log call or option with a value it cannot take'),
  TF_LOG_CONSUMER_CLOSED: code(500, false, 'a call on a consumer that is closed'),
  TF_LOG_CONSUMER_BUSY: code(500, false, 'poll() on a consumer while another poll() is waiting'),
  TF_LOG_UNREADABLE: code(
    500,
    false,
    'damaged log records the processor skipped; the range is dead-lettered',
  ),
  TF_LOG_COMMIT: code(
    503,
    true,
    'the consumer position could not be recorded in the log (informational; checkpoints are in the store)',
  ),

  // Processor
  TF_POISON_JSON: code(500, false, 'a record of crypto-prices that is not JSON, dead-lettered'),
  TF_POISON_TYPE: code(500, false, 'a record of crypto-prices of an unknown message type, dead-lettered'),
  TF_POISON_TICK: code(500, false, 'a tick record that breaks the tick schema, dead-lettered'),
  TF_POISON_SIGNAL: code(
    500,
    false,
    'a feed signal record without its symbol, source or time, dead-lettered',
  ),
  TF_POISON_FUTURE: code(
    500,
    false,
    'a tick record stamped beyond the future horizon of its receipt or append, dead-lettered',
  ),
  TF_SYMBOL_LIMIT: code(
    500,
    false,
    'a record of a new symbol in a partition already at TICKFLOW_MAX_SYMBOLS, dead-lettered',
  ),
  TF_PARTITION_MISMATCH: code(
    500,
    false,
    'a symbol arrived on two partitions; each keeps its own state for it',
  ),
  TF_PROCESSOR: code(503, true, 'the processor loop failed; it retries with backoff'),
  TF_COMMIT_FAILED: code(
    503,
    true,
    "a partition's commit to the store failed; the partition pauses until one succeeds",
  ),
  TF_ALERT_RELAY: code(
    503,
    true,
    'the alert relay cannot move alerts from the outbox to crypto-alerts; it retries',
  ),

  // Store
  TF_STORE_UNAVAILABLE: code(
    503,
    true,
    'the database cannot be reached, is recovering, or the store is closed',
  ),
  TF_STORE_NO_SPACE: code(503, true, 'the disk or quota of the store is full'),
  TF_STORE_QUERY: code(
    500,
    false,
    'a statement failed (retriable only for serialization failures and deadlocks)',
  ),
  TF_STORE_LOCKED: code(503, false, "another process holds the embedded store's directory"),
  TF_STORE_FENCED: code(
    503,
    false,
    'a commit for a partition another processor has claimed since; nothing was written',
  ),
  TF_STORE_CIRCUIT_OPEN: code(
    503,
    true,
    'the circuit breaker in front of PostgreSQL is open after repeated outages',
  ),

  // Cache
  TF_CACHE_UNAVAILABLE: code(503, true, 'the cache cannot be reached (closed, disconnected or timed out)'),
  TF_CACHE_INVALID_TTL: code(
    500,
    false,
    'a cache write with a TTL that is not a positive integer of milliseconds',
  ),
  TF_CACHE_BACKLOG_FULL: code(
    500,
    false,
    'the cache is so far behind that the oldest live updates are dropped',
  ),
} as const satisfies Record<`TF_${string}`, ErrorCodeSpec>;

export type ErrorCode = keyof typeof ERROR_CODES;
