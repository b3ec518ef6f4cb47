import type { LatestPrice, Update } from './cache.js';

// Anything can write to a shared Redis, so what is read back from it is checked like any other input.

type Json = Record<string, unknown>;

function parseObject(json: string): Json | undefined {
  try {
    const value: unknown = JSON.parse(json);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
  } catch {
    return undefined;
  }
}

const finite = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const finiteOrNull = (value: unknown): boolean => value === null || finite(value);

/** The value of `crypto:{symbol}:latest`, or undefined when it is not a LatestPrice of `symbol`. */
export function parseLatestPrice(json: string, symbol: string): LatestPrice | undefined {
  const v = parseObject(json);
  if (v === undefined) return undefined;
  const valid =
    v.symbol === symbol &&
    finite(v.price) &&
    finite(v.ts) &&
    typeof v.source === 'string' &&
    finiteOrNull(v.change_24h) &&
    finiteOrNull(v.volume_24h) &&
    typeof v.stale === 'boolean';
  return valid ? (v as unknown as LatestPrice) : undefined;
}

const UPDATE_TYPES: ReadonlySet<unknown> = new Set(['tick', 'candle', 'alert']);

/** A `crypto:updates` message, or undefined when it is not a JSON object of a known type and a symbol. */
export function parseUpdate(json: string): Update | undefined {
  const v = parseObject(json);
  if (v === undefined || !UPDATE_TYPES.has(v.type) || typeof v.symbol !== 'string') return undefined;
  return v as unknown as Update;
}
