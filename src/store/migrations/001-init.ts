import type { Migration } from './migration.js';

/** The history tables. Table and key names are part of the contract (see ARCHITECTURE.md). */
export const init: Migration = {
  version: 1,
  name: 'init',
  statements: [
    `CREATE TABLE IF NOT EXISTS cryptocurrencies (
      id serial PRIMARY KEY,
      symbol text NOT NULL UNIQUE,
      coingecko_id text,
      first_seen timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE TABLE IF NOT EXISTS price_candles (
      crypto_id integer NOT NULL REFERENCES cryptocurrencies (id),
      "interval" text NOT NULL,
      window_start timestamptz NOT NULL,
      window_end timestamptz NOT NULL,
      open double precision NOT NULL,
      high double precision NOT NULL,
      low double precision NOT NULL,
      close double precision NOT NULL,
      volume double precision NOT NULL,
      trades integer NOT NULL,
      vwap double precision,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (crypto_id, "interval", window_start),
      CONSTRAINT price_candles_window CHECK (window_end > window_start),
      CONSTRAINT price_candles_range CHECK (low <= high),
      CONSTRAINT price_candles_counts CHECK (volume >= 0 AND trades >= 0)
    )`,
    `CREATE TABLE IF NOT EXISTS price_alerts (
      id text PRIMARY KEY,
      crypto_id integer NOT NULL REFERENCES cryptocurrencies (id),
      "interval" text NOT NULL,
      rule text NOT NULL,
      window_start timestamptz NOT NULL,
      value double precision NOT NULL,
      threshold double precision NOT NULL,
      ts timestamptz NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE INDEX IF NOT EXISTS price_alerts_crypto_ts ON price_alerts (crypto_id, ts, id COLLATE "C")`,
    `CREATE TABLE IF NOT EXISTS alert_outbox (
      seq bigserial PRIMARY KEY,
      alert_id text NOT NULL REFERENCES price_alerts (id),
      payload jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      published_at timestamptz
    )`,
    `CREATE INDEX IF NOT EXISTS alert_outbox_pending ON alert_outbox (seq) WHERE published_at IS NULL`,
    `CREATE TABLE IF NOT EXISTS processor_checkpoints (
      group_id text NOT NULL,
      partition integer NOT NULL,
      next_offset bigint NOT NULL,
      state text NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (group_id, partition)
    )`,
  ],
};
