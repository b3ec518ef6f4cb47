import type { Migration } from './migration.js';

/**
 * Where price_candles is a TimescaleDB hypertable (migration 2), new chunks span 1 day and chunks older
 * than 7 days are compressed, segmented by symbol and interval so a history read decompresses only its
 * own series. Late ticks touch only windows minutes old, so the processor's upserts land in uncompressed
 * chunks; a `--reset-to earliest` over older data writes into compressed ones, which TimescaleDB 2.11+
 * accepts. Elsewhere (PGlite, plain PostgreSQL) it does nothing, and a failure is only a notice.
 */
export const timescalePolicy: Migration = {
  version: 4,
  name: 'timescale-chunks-compression',
  statements: [
    `DO $$
    BEGIN
      IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') THEN
        BEGIN
          EXECUTE $q$SELECT set_chunk_time_interval('price_candles', INTERVAL '1 day')$q$;
          EXECUTE $q$ALTER TABLE price_candles SET (timescaledb.compress,
            timescaledb.compress_segmentby = 'crypto_id, "interval"',
            timescaledb.compress_orderby = 'window_start DESC')$q$;
          EXECUTE $q$SELECT add_compression_policy('price_candles', INTERVAL '7 days', if_not_exists => TRUE)$q$;
        EXCEPTION WHEN OTHERS THEN
          RAISE NOTICE 'tickflow: price_candles keeps its chunks uncompressed: %', SQLERRM;
        END;
      END IF;
    END
    $$`,
  ],
};
