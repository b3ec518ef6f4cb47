/** At most this many characters of a value go into a reason or a log line. */
const PREVIEW_CHARS = 100;

/** A value as short JSON text for messages: an untrusted field may be megabytes long. */
export function preview(value: unknown): string {
  const text = value === undefined ? 'undefined' : JSON.stringify(value);
  return text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}…` : text;
}
