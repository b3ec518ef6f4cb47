import type { Migration } from './migration.js';

/**
 * Makes price_candles a TimescaleDB hypertable where the extension is installed and preloaded. Elsewhere
 * (PGlite, plain PostgreSQL) it does nothing, and a failure to enable it (e.g. no privilege to create the
 * extension) is only a notice: the table then stays a plain table, which works the same. Like every
 * migration it runs once: on a database that gets TimescaleDB later, convert the table by hand with
 * `SELECT create_hypertable('price_candles', 'window_start', migrate_data => true)`.
 */
export const timescale: Migration = {
  version: 2,
  name: 'timescale-hypertable',
  statements: [
    `DO $$
    BEGIN
      IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb')
        AND current_setting('shared_preload_libraries', true) LIKE '%timescaledb%' THEN
        BEGIN
          CREATE EXTENSION IF NOT EXISTS timescaledb;
          PERFORM create_hypertable('price_candles', 'window_start',
            if_not_exists => TRUE, migrate_data => TRUE);
        EXCEPTION WHEN OTHERS THEN
          RAISE NOTICE 'tickflow: price_candles stays a plain table: %', SQLERRM;
        END;
      END IF;
    END
    $$`,
  ],
};
