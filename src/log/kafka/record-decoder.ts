import type { RecordsBatch } from '@platformatic/kafka';
import { errorMessage } from '../../errors.js';
import type { LogRecord } from '../log.js';
import type { ByteCodec } from './byte-codec.js';

/** Transaction markers: batches the log writes for itself, which hold no records for readers. */
const CONTROL_BATCH = 0x20;

export interface DecodedFetch {
  readonly records: LogRecord[];
  /** The offset after the last one the batches cover (control batches included). */
  readonly next: bigint;
}

function decodeText(codec: ByteCodec, bytes: Buffer | null, what: string): string {
  if (bytes === null) throw new Error(`the record has no ${what}`);
  try {
    return codec.decode(bytes);
  } catch (err) {
    throw new Error(`its ${what} cannot be decoded (${bytes.length} bytes): ${errorMessage(err)}`);
  }
}

/**
 * The records of fetched batches from `from` on, in offset order. A record whose key or value the codec
 * cannot read becomes a placeholder (`unreadable`), so the processor dead-letters it rather than stall.
 */
export function decodeBatches(
  topic: string,
  partition: number,
  batches: readonly RecordsBatch[],
  from: bigint,
  codec: ByteCodec,
): DecodedFetch {
  const records: LogRecord[] = [];
  let next = from;
  for (const batch of batches) {
    const end = batch.firstOffset + BigInt(batch.lastOffsetDelta) + 1n;
    if (end > next) next = end;
    if ((batch.attributes & CONTROL_BATCH) !== 0) continue;
    for (const record of batch.records) {
      const offset = batch.firstOffset + BigInt(record.offsetDelta);
      // A fetch returns whole batches, so the first may start before the offset asked for.
      if (offset < from) continue;
      const timestamp = Number(batch.firstTimestamp + record.timestampDelta);
      try {
        const key = record.key === null ? null : decodeText(codec, record.key, 'key');
        records.push({
          topic,
          partition,
          offset,
          key,
          value: decodeText(codec, record.value, 'value'),
          timestamp,
        });
      } catch (err) {
        const reason = errorMessage(err);
        records.push({
          topic,
          partition,
          offset,
          key: null,
          value: '',
          timestamp,
          unreadable: { lastOffset: offset, reason, location: null },
        });
      }
    }
  }
  return { records, next };
}
