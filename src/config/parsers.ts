import { isIP } from 'node:net';
import { ALERT_RULES, type AlertRule } from '../domain/alert.js';
import { parseIntervals } from '../domain/interval.js';
import { SYMBOL_PATTERN } from '../domain/tick.js';
import { parseDuration } from '../domain/time.js';
import { ok } from './field.js';

type Parsed<T> = { readonly value: T } | string;

export const intervalsParser = (raw: string): Parsed<ReturnType<typeof parseIntervals> & object> => {
  const parsed = parseIntervals(raw);
  return typeof parsed === 'string' ? parsed : ok(parsed);
};

export const durationParser =
  (min: number, max = Number.MAX_SAFE_INTEGER) =>
  (raw: string): Parsed<number> => {
    const ms = parseDuration(raw);
    if (ms === undefined) return `"${raw}" is not a duration (use e.g. 500ms, 10s, 1m, 1h)`;
    if (ms < min || ms > max) return `must be between ${min} ms and ${max} ms`;
    return ok(ms);
  };

export const numberParser =
  (min: number, max: number, integer = false) =>
  (raw: string): Parsed<number> => {
    const n = Number(raw.trim());
    if (raw.trim() === '' || !Number.isFinite(n)) return `"${raw}" is not a number`;
    if (integer && !Number.isInteger(n)) return `"${raw}" is not a whole number`;
    if (n < min || n > max) return `must be between ${min} and ${max}`;
    return ok(n);
  };

/** A list setting that `none` switches off (an empty value is a mistake, reported by loadConfig). */
export const orNone =
  <T>(parse: (raw: string) => Parsed<readonly T[]>) =>
  (raw: string): Parsed<readonly T[]> =>
    raw.trim() === 'none' ? ok([]) : parse(raw);

export const alertRulesParser = (raw: string): Parsed<readonly AlertRule[]> => {
  const names = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const unknown = names.filter((n) => !(ALERT_RULES as readonly string[]).includes(n));
  if (unknown.length > 0) return `unknown rule(s) ${unknown.join(', ')}; known: ${ALERT_RULES.join(', ')}`;
  return ok(names as AlertRule[]);
};

/** `1m:0.01,5m:0.02`: a threshold per interval name. */
export const thresholdsParser = (raw: string): Parsed<Readonly<Record<string, number>>> => {
  const out: Record<string, number> = {};
  for (const part of raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')) {
    const [name, value, extra] = part.split(':');
    const n = Number(value);
    if (name === undefined || value === undefined || extra !== undefined || !Number.isFinite(n) || n <= 0) {
      return `"${part}" is not interval:threshold with a threshold above 0, e.g. 1m:0.01`;
    }
    out[name.trim()] = n;
  }
  return ok(out);
};

export const enumParser =
  <T extends string>(values: readonly T[]) =>
  (raw: string): Parsed<T> =>
    (values as readonly string[]).includes(raw.trim())
      ? ok(raw.trim() as T)
      : `must be one of ${values.join(', ')}`;

/** A comma list of values from a fixed set, without repeats. */
export const enumListParser =
  <T extends string>(values: readonly T[]) =>
  (raw: string): Parsed<readonly T[]> => {
    const items = raw
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    if (items.length === 0) return `must list at least one of ${values.join(', ')}`;
    const unknown = items.filter((i) => !(values as readonly string[]).includes(i));
    if (unknown.length > 0) return `unknown ${unknown.join(', ')}; known: ${values.join(', ')}`;
    return ok([...new Set(items)] as T[]);
  };

/** A comma list of ticker symbols, upper-cased. */
export const symbolsParser = (raw: string): Parsed<readonly string[]> => {
  const items = raw
    .split(',')
    .map((s) => s.trim().toUpperCase())
    .filter((s) => s !== '');
  if (items.length === 0) return 'must list at least one symbol, e.g. BTC,ETH';
  const bad = items.filter((s) => !SYMBOL_PATTERN.test(s));
  if (bad.length > 0) return `${bad.join(', ')}: not a ticker (letters, digits, ".", "_", "-"; at most 32)`;
  return ok([...new Set(items)]);
};

/** `BTC:bitcoin,ETH:ethereum`: a value per symbol. */
export const symbolMapParser = (raw: string): Parsed<Readonly<Record<string, string>>> => {
  const out: Record<string, string> = {};
  for (const part of raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')) {
    const [symbol, value, extra] = part.split(':').map((s) => s.trim());
    if (symbol === undefined || value === undefined || value === '' || extra !== undefined) {
      return `"${part}" is not SYMBOL:id, e.g. BTC:bitcoin`;
    }
    out[symbol.toUpperCase()] = value;
  }
  return ok(out);
};

export const urlParser =
  (protocols: readonly string[]) =>
  (raw: string): Parsed<string> => {
    let url: URL;
    try {
      url = new URL(raw.trim());
    } catch {
      return `"${raw}" is not a URL`;
    }
    if (!protocols.includes(url.protocol)) return `must be a ${protocols.join(' or ')} URL`;
    return ok(raw.trim().replace(/\/+$/, ''));
  };

export const stringParser = (raw: string): Parsed<string> => ok(raw.trim());

/** Kafka bootstrap servers: `host:port` entries, comma-separated. */
export const brokersParser = (raw: string): Parsed<readonly string[]> => {
  const brokers = raw.split(',').map((s) => s.trim());
  for (const broker of brokers) {
    const match = /^([^\s:]+|\[[0-9a-f:]+\]):(\d{1,5})$/i.exec(broker);
    const port = Number(match?.[2]);
    if (match === null || port < 1 || port > 65535) return `"${broker}" is not host:port`;
  }
  return ok(brokers);
};

/** A setting left empty is null (not set); anything else must parse. */
export const orUnset =
  <T>(parse: (raw: string) => Parsed<T>) =>
  (raw: string): Parsed<T | null> =>
    raw.trim() === '' ? ok(null) : parse(raw);

const HOST_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;

/** An address to listen on: an IPv4 or IPv6 address, or a host name (RFC 1123). */
export const hostParser = (raw: string): Parsed<string> => {
  const host = raw.trim();
  if (isIP(host) !== 0) return ok(host);
  if (/^\[.*\]$/.test(host)) return `"${raw}": write an IPv6 address without brackets`;
  const labels = host.split('.');
  if (/^\d+$/.test(labels.at(-1) ?? '')) return `"${raw}" is not a valid IPv4 address`;
  if (host.length <= 253 && labels.every((label) => HOST_LABEL.test(label))) return ok(host);
  return `"${raw}" is not an IP address or a host name`;
};

/** Origins for CORS: `http://localhost` (any port) or `https://app.example.com:8443`. */
export const originsParser = (raw: string): Parsed<readonly string[]> => {
  const items = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const item of items) {
    if (item === '*') continue;
    const parsed = urlParser(['http:', 'https:'])(item);
    if (typeof parsed === 'string') return `${item}: not an origin (scheme://host[:port]) or *`;
  }
  return ok(items);
};
