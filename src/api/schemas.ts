import type { Settings } from '../config/schema.js';
import { ALERT_RULES } from '../domain/alert.js';

export const DEFAULT_LIMIT = 500;
export const MAX_LIMIT = 5000;
/** The year 9999, as the domain bounds tick times. */
const MAX_EPOCH_MS = 253_402_300_799_999;

type JsonSchema = Readonly<Record<string, unknown>>;

interface ParamSpec {
  /** What the value must be, phrased to follow "<name> must be": the 400 message and the docs. */
  readonly rule: string;
  readonly doc: string;
  readonly schema: JsonSchema;
}

/** A params or querystring schema, and the rule of each parameter for precise 400 messages. */
export interface ParamSet {
  readonly schema: JsonSchema;
  readonly rules: Readonly<Record<string, string>>;
}

function paramSet(specs: Readonly<Record<string, ParamSpec>>, required: readonly string[] = []): ParamSet {
  const properties: Record<string, JsonSchema> = {};
  const rules: Record<string, string> = {};
  for (const [name, spec] of Object.entries(specs)) {
    properties[name] = { ...spec.schema, description: `${spec.doc} Must be ${spec.rule}.` };
    rules[name] = spec.rule;
  }
  return { schema: { type: 'object', properties, required }, rules };
}

const epochParam = (doc: string): ParamSpec => ({
  rule: 'integer epoch milliseconds',
  doc,
  schema: { type: 'integer', minimum: 0, maximum: MAX_EPOCH_MS },
});

const limitParam: ParamSpec = {
  rule: `an integer from 1 to ${MAX_LIMIT}`,
  doc: 'Most items to return.',
  schema: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT },
};

export const SYMBOL_RULE = `a ticker of 1-32 letters, digits, ".", "_" or "-"`;

export const symbolParams: ParamSet = paramSet(
  {
    symbol: {
      rule: SYMBOL_RULE,
      doc: 'Ticker, e.g. BTC (case-insensitive).',
      schema: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$' },
    },
  },
  ['symbol'],
);

export const historicalQuery = (settings: Settings): ParamSet => {
  const names = settings.intervals.map((i) => i.name);
  return paramSet({
    interval: {
      rule: `one of ${names.join(', ')}`,
      doc: 'Candle size.',
      schema: { type: 'string', enum: names, default: names[0] },
    },
    from: epochParam(
      'Inclusive lower bound on window_start; without it, the newest candles. The next page starts at ' +
        'the last window_start + 1.',
    ),
    to: epochParam('Exclusive upper bound on window_start.'),
    limit: limitParam,
  });
};

export const alertsQuery: ParamSet = paramSet({
  since: epochParam('Only alerts with ts at or after this instant.'),
  limit: limitParam,
});

/** Route config carrying the rules, read by the error handler to word validation errors. */
export const paramRules = (
  ...sets: readonly ParamSet[]
): { paramRules: Readonly<Record<string, string>> } => ({
  paramRules: Object.assign({}, ...sets.map((s) => s.rules)) as Record<string, string>,
});

const nullableNumber = { type: ['number', 'null'] } as const;
const integer = { type: 'integer' } as const;
const number = { type: 'number' } as const;
const string = { type: 'string' } as const;

const object = (properties: Readonly<Record<string, JsonSchema>>): JsonSchema => ({
  type: 'object',
  properties,
  required: Object.keys(properties),
});

export const errorResponse = object({
  error: object({ code: string, message: string, statusCode: integer }),
});

const errorResponses = { '4xx': errorResponse, '5xx': errorResponse } as const;

/** Response schemas by status: the given 200 body, and the error body for every 4xx and 5xx. */
export const responses = (ok: JsonSchema): Readonly<Record<string, JsonSchema>> => ({
  200: ok,
  ...errorResponses,
});

export const latestResponse = object({
  symbol: string,
  price: number,
  ts: integer,
  source: string,
  change_24h: nullableNumber,
  volume_24h: nullableNumber,
  stale: { type: 'boolean' },
});

const candleItem = object({
  window_start: integer,
  window_end: integer,
  open: number,
  high: number,
  low: number,
  close: number,
  volume: nullableNumber,
  trades: integer,
  vwap: nullableNumber,
});

export const historicalResponse = object({
  symbol: string,
  interval: string,
  candles: { type: 'array', items: candleItem },
});

const alertItem = object({
  id: string,
  symbol: string,
  interval: string,
  rule: { type: 'string', enum: [...ALERT_RULES] },
  window_start: integer,
  value: number,
  threshold: number,
  ts: integer,
});

export const alertsResponse = object({ symbol: string, alerts: { type: 'array', items: alertItem } });

export const symbolsResponse = object({
  symbols: { type: 'array', items: string },
  complete: { type: 'boolean' },
});

export const healthResponse = object({
  status: { type: 'string', enum: ['ok', 'degraded', 'down'] },
  components: {
    type: 'object',
    additionalProperties: {
      type: 'object',
      properties: {
        status: { type: 'string', enum: ['up', 'degraded', 'down'] },
        required: { type: 'boolean' },
        detail: string,
        lastSuccessAt: nullableNumber,
      },
      required: ['status', 'required'],
    },
  },
});
