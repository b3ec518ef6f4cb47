/**
 * Every statement the store runs after migrating. Shared by the PGlite and PostgreSQL adapters, so only SQL
 * that PostgreSQL 15+ accepts. Batches travel as parallel arrays expanded with `unnest`, so a commit costs a
 * few statements whatever its size.
 *
 * Times are integer epoch ms in the API and timestamptz in the tables. The conversion is exact both ways:
 * whole seconds go through `to_timestamp` (exact for integers) and the remaining ms are added as an
 * interval; `extract(epoch ...)` returns an exact numeric (PostgreSQL 14+).
 */

/** SQL for the timestamptz of an epoch-ms bigint expression. */
const ts = (ms: string): string =>
  `(to_timestamp(${ms}::bigint / 1000) + (${ms}::bigint % 1000) * interval '1 millisecond')`;

/** SQL for the epoch ms of a timestamptz expression. */
const ms = (column: string): string => `(extract(epoch FROM ${column}) * 1000)::bigint`;

/** Inserts only the symbols not yet known, so the id sequence is not spent on every commit. */
export const INSERT_MISSING_SYMBOLS = `
INSERT INTO cryptocurrencies (symbol, coingecko_id)
SELECT t.symbol, t.coingecko_id
FROM unnest($1::text[], $2::text[]) AS t(symbol, coingecko_id)
WHERE NOT EXISTS (SELECT 1 FROM cryptocurrencies c WHERE c.symbol = t.symbol)
ON CONFLICT (symbol) DO NOTHING`;

/** Records CoinGecko ids that are new or changed; a null id never erases a known one. */
export const UPDATE_COINGECKO_IDS = `
UPDATE cryptocurrencies c
SET coingecko_id = t.coingecko_id
FROM unnest($1::text[], $2::text[]) AS t(symbol, coingecko_id)
WHERE c.symbol = t.symbol
  AND t.coingecko_id IS NOT NULL
  AND c.coingecko_id IS DISTINCT FROM t.coingecko_id`;

/** Upserts candles; returns one row per candle written, so a candle can never be dropped silently. */
export const UPSERT_CANDLES = `
INSERT INTO price_candles
  (crypto_id, "interval", window_start, window_end, open, high, low, close, volume, trades, vwap, updated_at)
SELECT c.id, t.iv, ${ts('t.ws')}, ${ts('t.we')}, t.o, t.h, t.l, t.c, t.v, t.n, t.vwap, now()
FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::float8[], $6::float8[], $7::float8[],
            $8::float8[], $9::float8[], $10::integer[], $11::float8[])
  AS t(symbol, iv, ws, we, o, h, l, c, v, n, vwap)
JOIN cryptocurrencies c ON c.symbol = t.symbol
ON CONFLICT (crypto_id, "interval", window_start) DO UPDATE SET
  window_end = EXCLUDED.window_end,
  open = EXCLUDED.open,
  high = EXCLUDED.high,
  low = EXCLUDED.low,
  close = EXCLUDED.close,
  volume = EXCLUDED.volume,
  trades = EXCLUDED.trades,
  vwap = EXCLUDED.vwap,
  updated_at = EXCLUDED.updated_at
RETURNING 1 AS written`;

/**
 * Inserts alerts that are new and queues exactly those in the outbox, in batch order. A replayed alert
 * conflicts on its id, is not returned by `inserted`, and so adds no outbox entry.
 */
export const INSERT_ALERTS = `
WITH input AS (
  SELECT *
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::float8[], $7::float8[],
              $8::bigint[], $9::text[])
    WITH ORDINALITY AS t(id, symbol, iv, rule, ws, value, threshold, ts, payload, ord)
), inserted AS (
  INSERT INTO price_alerts (id, crypto_id, "interval", rule, window_start, value, threshold, ts)
  SELECT i.id, c.id, i.iv, i.rule, ${ts('i.ws')}, i.value, i.threshold, ${ts('i.ts')}
  FROM input i JOIN cryptocurrencies c ON c.symbol = i.symbol
  ON CONFLICT (id) DO NOTHING
  RETURNING id
)
INSERT INTO alert_outbox (alert_id, payload)
SELECT i.id, i.payload::jsonb
FROM input i JOIN inserted USING (id)
ORDER BY i.ord`;

export const UPSERT_CHECKPOINTS = `
INSERT INTO processor_checkpoints (group_id, partition, next_offset, state, updated_at)
SELECT $1, t.partition, t.next_offset, t.state, now()
FROM unnest($2::integer[], $3::bigint[], $4::text[]) AS t(partition, next_offset, state)
ON CONFLICT (group_id, partition) DO UPDATE SET
  next_offset = EXCLUDED.next_offset,
  state = EXCLUDED.state,
  updated_at = EXCLUDED.updated_at`;

/** Offsets and epochs travel as text: PGlite would hand a bigint over as a number, exact only to 2^53. */
export const SELECT_CHECKPOINTS = `
SELECT partition, next_offset::text AS next_offset, state
FROM processor_checkpoints
WHERE group_id = $1 AND partition = ANY($2::integer[])`;

/** Takes partitions over for owner $3: each one's epoch goes up by one (from 1 for a new partition). */
export const CLAIM_PARTITIONS = `
INSERT INTO partition_owners (group_id, partition, epoch, owner, claimed_at)
SELECT $1, p, 1, $3, now() FROM unnest($2::integer[]) AS p
ON CONFLICT (group_id, partition) DO UPDATE SET
  epoch = partition_owners.epoch + 1,
  owner = EXCLUDED.owner,
  claimed_at = EXCLUDED.claimed_at
RETURNING partition, epoch::text AS epoch`;

/** The partition's current epoch, locked until the commit ends, so no claim slips in between. */
export const LOCK_PARTITION_OWNER = `
SELECT epoch::text AS epoch, owner
FROM partition_owners
WHERE group_id = $1 AND partition = $2
FOR UPDATE`;

/**
 * Candles of one symbol and interval with window_start in [$3, $4), ordered by `order`, at most $5. The
 * symbol's id is looked up first, not joined: with the id unknown at planning time PostgreSQL scanned and
 * sorted every candle of the interval (94 ms for 1,000 of 200,000 rows); with it, the primary key gives the
 * rows in order and the scan stops at $5 (1 ms).
 */
const candlesIn = (order: 'ASC' | 'DESC'): string => `
SELECT $1::text AS symbol, p."interval", ${ms('p.window_start')} AS window_start,
       ${ms('p.window_end')} AS window_end, p.open, p.high, p.low, p.close, p.volume, p.trades, p.vwap
FROM price_candles p
WHERE p.crypto_id = (SELECT id FROM cryptocurrencies WHERE symbol = $1) AND p."interval" = $2
  AND p.window_start >= ${ts('$3')} AND p.window_start < ${ts('$4')}
ORDER BY p.window_start ${order}
LIMIT $5`;

/** The first $5 candles with window_start in [$3, $4), oldest first: a page from a given start. */
export const SELECT_FIRST_CANDLES = candlesIn('ASC');

/**
 * The last $5 candles with window_start in [$3, $4), still oldest first: the inner query walks the primary
 * key backwards, so the newest history costs the same as the oldest.
 */
export const SELECT_LAST_CANDLES = `
SELECT * FROM (${candlesIn('DESC')}
) newest
ORDER BY window_start`;

/** Alerts of one symbol with ts ≥ $2, oldest first (ties by id in byte order, so pages are stable). */
export const SELECT_ALERTS = `
SELECT a.id, c.symbol, a."interval", a.rule, ${ms('a.window_start')} AS window_start, a.value, a.threshold,
       ${ms('a.ts')} AS ts
FROM price_alerts a JOIN cryptocurrencies c ON c.id = a.crypto_id
WHERE c.symbol = $1 AND a.ts >= ${ts('$2')}
ORDER BY a.ts, a.id COLLATE "C"
LIMIT $3`;

export const SELECT_SYMBOLS = `
SELECT symbol, coingecko_id, ${ms('first_seen')} AS first_seen
FROM cryptocurrencies
ORDER BY symbol COLLATE "C"`;

export const SELECT_PENDING_OUTBOX = `
SELECT seq, payload
FROM alert_outbox
WHERE published_at IS NULL
ORDER BY seq
LIMIT $1`;

/**
 * Leases up to $1 unpublished alerts, oldest first, to relay $2 for $3 ms: rows another relay holds (a
 * live lease, or a row locked by a concurrent claim) are skipped, so relays never take the same alert.
 */
export const CLAIM_OUTBOX = `
UPDATE alert_outbox o
SET lease_owner = $2, lease_until = now() + $3 * interval '1 millisecond'
FROM (
  SELECT seq FROM alert_outbox
  WHERE published_at IS NULL AND (lease_until IS NULL OR lease_until < now())
  ORDER BY seq
  LIMIT $1
  FOR UPDATE SKIP LOCKED
) picked
WHERE o.seq = picked.seq
RETURNING o.seq, o.payload`;

export const MARK_PUBLISHED = `
UPDATE alert_outbox
SET published_at = now(), lease_owner = NULL, lease_until = NULL
WHERE seq = ANY($1::bigint[]) AND published_at IS NULL`;

export const SELECT_ONE = 'SELECT 1 AS ok';

/** Whether TimescaleDB is enabled (migration 2 then made price_candles a hypertable). */
export const SELECT_TIMESCALEDB = `SELECT 1 AS enabled FROM pg_extension WHERE extname = 'timescaledb'`;
