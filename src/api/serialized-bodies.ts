/** The content type Fastify gives a body it serializes itself, so a kept body is sent with the same. */
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * Response bodies serialized once per store result and kept as long as the result is. A caching store
 * (CachedStore) hands the same result to every request until a commit changes it, and serializing 1,000
 * candles, number formatting above all, was most of a history request's time; so a repeated request sends
 * the bytes already made. A store that reads afresh returns a new result each time and never hits.
 */
export class SerializedBodies<K extends object> {
  readonly #bodies = new WeakMap<K, { readonly tag: string; readonly body: Buffer }>();

  /**
   * The body of `result`, made by `serialize` on a miss. `tag` names what else went into the body (the
   * symbol and interval of the request), so a result a store shares between queries is never sent for
   * the wrong one.
   */
  body(result: K, tag: string, serialize: () => string): Buffer {
    const kept = this.#bodies.get(result);
    if (kept?.tag === tag) return kept.body;
    const body = Buffer.from(serialize());
    this.#bodies.set(result, { tag, body });
    return body;
  }
}
