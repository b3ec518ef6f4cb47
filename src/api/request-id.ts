import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const REQUEST_ID_HEADER = 'x-request-id';

/** What an incoming id may look like to be reused: printable, no spaces, at most 128 characters. */
const VALID_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

/** Reuses a well-formed incoming `X-Request-ID` (so a trace spans proxies), else makes a new one. */
export function requestIdFrom(req: IncomingMessage): string {
  const incoming = req.headers[REQUEST_ID_HEADER];
  return typeof incoming === 'string' && VALID_ID.test(incoming) ? incoming : randomUUID();
}
