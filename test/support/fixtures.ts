import { type Alert, alertId } from '../../src/domain/alert.js';
import type { Candle } from '../../src/domain/candle.js';
import { epochMs } from '../../src/domain/time.js';

/** A minute-aligned instant in November 2023. */
export const T0 = 1_699_999_200_000;
export const MIN = 60_000;

export type CandleFields = Partial<Omit<Candle, 'windowStart' | 'windowEnd'>> & {
  readonly symbol: string;
  readonly windowStart: number;
  readonly windowEnd?: number;
};
export type AlertFields = Partial<Omit<Alert, 'windowStart' | 'ts'>> & {
  readonly symbol: string;
  readonly ts: number;
  readonly windowStart?: number;
};

/** A closed 1m candle (a minute long unless `windowEnd` says otherwise); `fields` override the defaults. */
export const candle = (fields: CandleFields): Candle => ({
  interval: '1m',
  open: 100,
  high: 110,
  low: 90,
  close: 105,
  volume: 2,
  trades: 3,
  vwap: 101.5,
  closed: true,
  ...fields,
  windowStart: epochMs(fields.windowStart),
  windowEnd: epochMs(fields.windowEnd ?? fields.windowStart + MIN),
});

/** A 1m price_spike alert on the window before `ts` unless `fields` say otherwise, with its derived id. */
export const alert = (fields: AlertFields): Alert => {
  const interval = fields.interval ?? '1m';
  const rule = fields.rule ?? 'price_spike';
  const windowStart = epochMs(fields.windowStart ?? fields.ts - MIN);
  return {
    id: alertId(fields.symbol, interval, rule, windowStart),
    interval,
    rule,
    value: 0.07,
    threshold: 0.05,
    ...fields,
    windowStart,
    ts: epochMs(fields.ts),
  };
};
