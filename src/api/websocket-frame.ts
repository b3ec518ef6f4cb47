/** FIN set, opcode 1: one whole text message. */
const FIN_TEXT = 0x81;
const MAX_7_BIT = 125;
const MAX_16_BIT = 0xffff;

/**
 * `text` as one unmasked, uncompressed WebSocket text frame from a server (RFC 6455,
 * section 5.2): the header and the payload in one buffer, so a message framed once can be written as it
 * is to every client's connection.
 */
export function textFrame(text: string): Buffer {
  const length = Buffer.byteLength(text);
  const headerLength = length <= MAX_7_BIT ? 2 : length <= MAX_16_BIT ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerLength + length);
  frame[0] = FIN_TEXT;
  if (headerLength === 2) {
    frame[1] = length;
  } else if (headerLength === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  frame.write(text, headerLength);
  return frame;
}
