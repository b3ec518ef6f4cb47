import { crc32 } from './crc32.js';

/**
 * On-disk framing of one record:
 *
 *   u32 body length | u32 CRC-32 of body | body
 *   body = u8 magic (1) | u8 attributes (0) | u64 offset | u64 append time (ms) | i32 key length (-1 = null)
 *          | key (UTF-8) | value (UTF-8, the rest of the body)
 *
 * All integers are big-endian. A frame whose length or CRC does not check out is a torn or damaged write.
 */
export const FRAME_HEADER_BYTES = 8;
const MAGIC = 1;
const BODY_FIXED_BYTES = 22;
/** The smallest frame: a null key and an empty value. */
export const MIN_FRAME_BYTES = FRAME_HEADER_BYTES + BODY_FIXED_BYTES;
/** No legitimate frame is bigger: anything larger is a damaged length field. */
export const MAX_BODY_BYTES = 256 * 1024 * 1024;
const TWO_32 = 2 ** 32;

export interface AppendRecord {
  readonly key: string | null;
  readonly value: string;
}

export interface DecodedRecord {
  readonly offset: number;
  readonly timestamp: number;
  readonly key: string | null;
  readonly value: string;
}

export type FrameCheck =
  | { readonly status: 'ok'; readonly size: number; readonly offset: number; readonly timestamp: number }
  | { readonly status: 'incomplete'; readonly size: number }
  | { readonly status: 'corrupt'; readonly reason: string };

/** Bytes a record takes on disk, framing included. */
export function frameSize(record: AppendRecord): number {
  const keyBytes = record.key === null ? 0 : Buffer.byteLength(record.key, 'utf8');
  return FRAME_HEADER_BYTES + BODY_FIXED_BYTES + keyBytes + Buffer.byteLength(record.value, 'utf8');
}

/** Why a record cannot be appended, or null if it can. */
export function checkRecord(
  record: AppendRecord,
  maxFrameBytes: number,
): { code: 'TF_LOG_INVALID_RECORD' | 'TF_LOG_RECORD_TOO_LARGE'; reason: string } | null {
  const { key, value } = record as { key: unknown; value: unknown };
  if (typeof value !== 'string') return { code: 'TF_LOG_INVALID_RECORD', reason: 'value must be a string' };
  if (key !== null && typeof key !== 'string') {
    return { code: 'TF_LOG_INVALID_RECORD', reason: 'key must be a string or null' };
  }
  const size = frameSize(record);
  if (size > maxFrameBytes) {
    return {
      code: 'TF_LOG_RECORD_TOO_LARGE',
      reason: `${size} bytes, more than the ${maxFrameBytes} allowed`,
    };
  }
  return null;
}

export interface EncodedBatch {
  readonly buffer: Buffer;
  /** Where each frame starts in `buffer`. */
  readonly positions: readonly number[];
}

/** Frames `records` with consecutive offsets from `firstOffset`, all stamped `timestamp`. */
export function encodeBatch(
  records: readonly AppendRecord[],
  firstOffset: number,
  timestamp: number,
): EncodedBatch {
  const sizes = records.map(frameSize);
  const buffer = Buffer.allocUnsafe(sizes.reduce((a, b) => a + b, 0));
  const positions: number[] = [];
  let pos = 0;
  records.forEach((record, i) => {
    positions.push(pos);
    writeFrame(buffer, pos, record, firstOffset + i, timestamp);
    pos += sizes[i] as number;
  });
  return { buffer, positions };
}

function writeFrame(buf: Buffer, pos: number, record: AppendRecord, offset: number, timestamp: number): void {
  const body = pos + FRAME_HEADER_BYTES;
  buf[body] = MAGIC;
  buf[body + 1] = 0;
  writeU64(buf, body + 2, offset);
  writeU64(buf, body + 10, timestamp);
  let end = body + BODY_FIXED_BYTES;
  if (record.key === null) {
    buf.writeInt32BE(-1, body + 18);
  } else {
    const keyBytes = buf.write(record.key, end, 'utf8');
    buf.writeInt32BE(keyBytes, body + 18);
    end += keyBytes;
  }
  end += buf.write(record.value, end, 'utf8');
  buf.writeUInt32BE(end - body, pos);
  buf.writeUInt32BE(crc32(buf, body, end), pos + 4);
}

/**
 * Checks the frame at `pos` in `buf[0, end)`. With `verifyCrc` false only the header is read (for
 * skipping records before a wanted offset).
 */
export function checkFrame(buf: Buffer, pos: number, end: number, verifyCrc: boolean): FrameCheck {
  if (end - pos < FRAME_HEADER_BYTES) return { status: 'incomplete', size: FRAME_HEADER_BYTES };
  const bodyLength = buf.readUInt32BE(pos);
  if (bodyLength < BODY_FIXED_BYTES || bodyLength > MAX_BODY_BYTES) {
    return { status: 'corrupt', reason: `bad frame length ${bodyLength}` };
  }
  const size = FRAME_HEADER_BYTES + bodyLength;
  if (end - pos < size) return { status: 'incomplete', size };
  const body = pos + FRAME_HEADER_BYTES;
  if (verifyCrc && crc32(buf, body, body + bodyLength) !== buf.readUInt32BE(pos + 4)) {
    return { status: 'corrupt', reason: 'CRC mismatch' };
  }
  if (buf[body] !== MAGIC) return { status: 'corrupt', reason: `unknown magic byte ${buf[body]}` };
  const keyLength = buf.readInt32BE(body + 18);
  if (keyLength < -1 || BODY_FIXED_BYTES + Math.max(keyLength, 0) > bodyLength) {
    return { status: 'corrupt', reason: `bad key length ${keyLength}` };
  }
  return { status: 'ok', size, offset: readU64(buf, body + 2), timestamp: readU64(buf, body + 10) };
}

/**
 * The size and offset of what looks like a frame at `pos`, judged by its fixed fields alone (length, magic,
 * attributes, key length), before its CRC is worth computing; null if they do not check out, 'short' if
 * `buf[pos, end)` is too short to tell.
 */
export function peekFrame(
  buf: Buffer,
  pos: number,
  end: number,
): { size: number; offset: number } | 'short' | null {
  if (end - pos < MIN_FRAME_BYTES) return 'short';
  const bodyLength = buf.readUInt32BE(pos);
  if (bodyLength < BODY_FIXED_BYTES || bodyLength > MAX_BODY_BYTES) return null;
  const body = pos + FRAME_HEADER_BYTES;
  if (buf[body] !== MAGIC || buf[body + 1] !== 0) return null;
  const keyLength = buf.readInt32BE(body + 18);
  if (keyLength < -1 || BODY_FIXED_BYTES + Math.max(keyLength, 0) > bodyLength) return null;
  return { size: FRAME_HEADER_BYTES + bodyLength, offset: readU64(buf, body + 2) };
}

/** Decodes a frame that `checkFrame` accepted. */
export function decodeFrame(buf: Buffer, pos: number): DecodedRecord {
  const body = pos + FRAME_HEADER_BYTES;
  const end = body + buf.readUInt32BE(pos);
  const keyLength = buf.readInt32BE(body + 18);
  const keyStart = body + BODY_FIXED_BYTES;
  const valueStart = keyStart + Math.max(keyLength, 0);
  return {
    offset: readU64(buf, body + 2),
    timestamp: readU64(buf, body + 10),
    key: keyLength < 0 ? null : buf.toString('utf8', keyStart, valueStart),
    value: buf.toString('utf8', valueStart, end),
  };
}

function writeU64(buf: Buffer, pos: number, n: number): void {
  buf.writeUInt32BE(Math.floor(n / TWO_32), pos);
  buf.writeUInt32BE(n % TWO_32, pos + 4);
}

const readU64 = (buf: Buffer, pos: number): number =>
  buf.readUInt32BE(pos) * TWO_32 + buf.readUInt32BE(pos + 4);
