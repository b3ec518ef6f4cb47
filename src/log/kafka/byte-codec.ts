/**
 * The bytes of a record's key and value on the wire. Behind this interface so that a compact binary
 * encoding can replace text later without touching the producer or the consumer.
 */
export interface ByteCodec {
  encode(text: string): Buffer;
  /** Throws when the bytes are not something this codec wrote (the record becomes unreadable). */
  decode(bytes: Buffer): string;
}

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** UTF-8 text, refusing malformed bytes rather than replacing them with U+FFFD. */
export const utf8Codec: ByteCodec = {
  encode: (text) => Buffer.from(text, 'utf8'),
  decode: (bytes) => strict.decode(bytes),
};
