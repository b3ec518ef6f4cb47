import { parseRetryAfter } from './backoff.js';
import { SourceError, redactUrl, unavailable } from './source-error.js';
import { errorMessage } from '../errors.js';
import { sourceFetchDuration, sourceRequests } from '../metrics/metrics.js';

export interface GetJsonOptions {
  /** Who answers, for messages: `CoinGecko`, `Coinbase REST`. */
  readonly label: string;
  /** The source asking, for its metrics: `coingecko`, `coinbase`. */
  readonly source: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  /** The source's close signal; aborting it rejects with its reason, not a SourceError. */
  readonly signal: AbortSignal;
  readonly now: () => number;
  /** Statuses besides 429 and 5xx that mean "wait and retry" (Binance's 418 ban); none by default. */
  readonly retryStatuses?: readonly number[];
  /** What to check, appended to the message of a configuration error (a 4xx other than 429). */
  readonly configHint?: (status: number) => string;
  /** The largest body read (default MAX_RESPONSE_BYTES); a larger one is refused unread. */
  readonly maxBytes?: number;
}

/**
 * The largest response body a source reads: a CoinGecko price answer is a few KB and an exchange's page
 * of 1,000 trades about 200 KB, so 4 MiB leaves room and still keeps a broken or hostile server from
 * filling the heap.
 */
export const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
/** The most of an error response read for its message. */
const MAX_SNIPPET_BYTES = 4 * 1024;

export interface JsonResponse {
  readonly body: unknown;
  readonly headers: Headers;
}

const SNIPPET = 200;

class BodyTooLarge extends Error {}

/**
 * The body as text, reading at most `max` bytes: a larger body (by its Content-Length, or once that many
 * bytes have arrived) is cancelled and BodyTooLarge thrown, or with `truncate` the first `max` bytes kept.
 */
async function readText(res: Response, max: number, truncate = false): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? Number.NaN);
  if (!truncate && declared > max) {
    await res.body?.cancel();
    throw new BodyTooLarge();
  }
  if (res.body === null) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      if (!truncate) throw new BodyTooLarge();
      break;
    }
  }
  return new TextDecoder().decode(Buffer.concat(chunks).subarray(0, max));
}

async function readSnippet(res: Response): Promise<string> {
  try {
    const text = (await readText(res, MAX_SNIPPET_BYTES, true)).replace(/\s+/g, ' ').trim();
    return text.length > SNIPPET ? `${text.slice(0, SNIPPET)}…` : text;
  } catch {
    return '';
  }
}

function failedFetch(err: unknown, url: string, options: GetJsonOptions): SourceError {
  if (err instanceof Error && err.name === 'TimeoutError') {
    return unavailable(`${options.label} did not answer within ${options.timeoutMs} ms (GET ${url})`, {
      cause: err,
    });
  }
  const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return unavailable(`${options.label} is unreachable (GET ${url}): ${errorMessage(err)}${cause}`, {
    cause: err,
  });
}

async function statusError(res: Response, url: string, options: GetJsonOptions): Promise<SourceError> {
  const status = `${res.status}${res.statusText === '' ? '' : ` ${res.statusText}`}`;
  const body = await readSnippet(res);
  const said = body === '' ? '' : `: ${body}`;
  if (res.status === 429 || res.status >= 500 || options.retryStatuses?.includes(res.status) === true) {
    return unavailable(`${options.label} answered ${status} for GET ${url}${said}`, {
      retryAfterMs: parseRetryAfter(res.headers.get('retry-after'), options.now()) ?? null,
    });
  }
  const hint = options.configHint === undefined ? '' : `; ${options.configHint(res.status)}`;
  return new SourceError(
    'TF_SOURCE_CONFIG',
    `${options.label} answered ${status} for GET ${url}${said}${hint}`,
    { retriable: false },
  );
}

/**
 * GET a JSON document with a timeout. Classifies every failure as a SourceError: 429, 5xx, timeouts and
 * network errors are retriable (with the server's Retry-After); any other non-2xx is a configuration error;
 * a 2xx that is not JSON, or whose body is over `maxBytes`, is a payload error. The URL in messages never
 * shows credentials.
 */
export async function getJson(url: string, options: GetJsonOptions): Promise<JsonResponse> {
  const shown = redactUrl(url);
  const started = performance.now();
  const counted = (result: 'ok' | 'error' | 'rate_limited' | 'timeout' | 'rejected'): void => {
    sourceRequests.inc({ source: options.source, result });
  };
  let res: Response;
  let text: string;
  try {
    res = await fetch(url, {
      headers: { accept: 'application/json', ...options.headers },
      signal: AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs)]),
    });
    if (!res.ok) {
      counted(res.status === 429 ? 'rate_limited' : 'error');
      throw await statusError(res, shown, options);
    }
    text = await readText(res, options.maxBytes ?? MAX_RESPONSE_BYTES);
  } catch (err) {
    options.signal.throwIfAborted();
    if (err instanceof SourceError) throw err;
    if (err instanceof BodyTooLarge) {
      counted('rejected');
      const max = options.maxBytes ?? MAX_RESPONSE_BYTES;
      throw new SourceError(
        'TF_SOURCE_PAYLOAD',
        `${options.label} answered GET ${shown} with a body over ${max} bytes; it was not read`,
        { retriable: false },
      );
    }
    counted(err instanceof Error && err.name === 'TimeoutError' ? 'timeout' : 'error');
    throw failedFetch(err, shown, options);
  }
  sourceFetchDuration.observe({ source: options.source }, (performance.now() - started) / 1_000);
  try {
    const body = JSON.parse(text) as unknown;
    counted('ok');
    return { body, headers: res.headers };
  } catch (err) {
    counted('rejected');
    throw new SourceError('TF_SOURCE_PAYLOAD', `${options.label} answered GET ${shown} with invalid JSON`, {
      retriable: false,
      cause: err,
    });
  }
}
