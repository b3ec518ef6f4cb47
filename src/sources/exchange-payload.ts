import { SourceError } from './source-error.js';
import { isRecord, type StreamMessage } from './trade.js';

export type MessageObject =
  | { readonly ok: true; readonly msg: Record<string, unknown> }
  | { readonly ok: false; readonly reject: StreamMessage };

/** A stream message as a JSON object, or the rejection to report when it is not valid JSON or no object. */
export function messageObject(text: string): MessageObject {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    return { ok: false, reject: { kind: 'reject', reason: 'message: not valid JSON' } };
  }
  return isRecord(msg)
    ? { ok: true, msg }
    : { ok: false, reject: { kind: 'reject', reason: 'message: must be a JSON object' } };
}

/** A REST answer that must be a JSON array; anything else is a TF_SOURCE_PAYLOAD naming `label` and `url`. */
export function arrayBody(body: unknown, label: string, url: string): unknown[] {
  if (Array.isArray(body)) return body;
  throw new SourceError(
    'TF_SOURCE_PAYLOAD',
    `${label} answered GET ${url} with something other than an array`,
    {
      retriable: false,
    },
  );
}
