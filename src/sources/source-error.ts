import { TickflowError } from '../errors.js';

/** A source request that failed; may carry how long the server asked us to wait (`Retry-After`). */
export class SourceError extends TickflowError {
  /** Milliseconds the server asked to wait before the next request, or null. */
  readonly retryAfterMs: number | null;

  constructor(
    code: SourceErrorCode,
    message: string,
    options: { retriable: boolean; cause?: unknown; retryAfterMs?: number | null },
  ) {
    super(code, message, { retriable: options.retriable, cause: options.cause });
    this.name = 'SourceError';
    this.retryAfterMs = options.retryAfterMs ?? null;
  }
}

/**
 * - `TF_SOURCE_UNAVAILABLE`: 429, 5xx, timeout or network failure; retriable.
 * - `TF_SOURCE_CONFIG`: the source refused the request as asked (a 4xx other than 429, an unknown product):
 *   the URL, key or ids in the configuration are wrong.
 * - `TF_SOURCE_PAYLOAD`: an answer that is not the documented shape.
 */
export type SourceErrorCode = 'TF_SOURCE_UNAVAILABLE' | 'TF_SOURCE_CONFIG' | 'TF_SOURCE_PAYLOAD';

/** A retriable failure: 429, 5xx, timeout, network, a dropped or silent connection. */
export const unavailable = (
  message: string,
  options: { cause?: unknown; retryAfterMs?: number | null } = {},
): SourceError => new SourceError('TF_SOURCE_UNAVAILABLE', message, { retriable: true, ...options });

const SECRET_PARAM = /key|token|secret|signature|password/i;

/** The URL with credentials and secret-looking query parameters replaced, safe for logs and errors. */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  if (parsed.username !== '' || parsed.password !== '') {
    parsed.username = '***';
    parsed.password = '';
  }
  let redacted = false;
  for (const name of [...parsed.searchParams.keys()]) {
    if (SECRET_PARAM.test(name)) {
      parsed.searchParams.set(name, '***');
      redacted = true;
    }
  }
  // Keep the original spelling (commas in ids stay readable) unless something had to be hidden.
  return redacted || parsed.username !== '' ? parsed.toString() : url;
}
