import type { Migration } from './migration.js';

/**
 * A candle whose ticks carry no traded size (snapshot sources) has an unknown volume, stored as NULL
 * rather than 0, which would claim that nothing traded. Candles written before keep their 0.
 */
export const unknownVolume: Migration = {
  version: 5,
  name: 'unknown-volume',
  statements: [`ALTER TABLE price_candles ALTER COLUMN volume DROP NOT NULL`],
};
