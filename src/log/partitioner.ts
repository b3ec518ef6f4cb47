/**
 * Kafka's default partitioner for keyed records (`BuiltInPartitioner.partitionForKey`): murmur2 of the
 * key's UTF-8 bytes, made positive, modulo the partition count. Keeping it byte-for-byte equal to the Java
 * client means a symbol lands on the same partition in embedded and Kafka mode.
 */
const SEED = 0x9747b28c;
const M = 0x5bd1e995;

/** `org.apache.kafka.common.utils.Utils.murmur2`, as a signed 32-bit integer. */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = SEED ^ length;
  const tail = length & ~3;
  for (let i = 0; i < tail; i += 4) {
    let k =
      (data[i] as number) |
      ((data[i + 1] as number) << 8) |
      ((data[i + 2] as number) << 16) |
      ((data[i + 3] as number) << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  const rest = length & 3;
  if (rest >= 3) h ^= (data[tail + 2] as number) << 16;
  if (rest >= 2) h ^= (data[tail + 1] as number) << 8;
  if (rest >= 1) h = Math.imul(h ^ (data[tail] as number), M);
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** `Utils.toPositive`: clears the sign bit (not Math.abs, which Kafka avoids for Integer.MIN_VALUE). */
export const toPositive = (n: number): number => n & 0x7fffffff;

const encoder = new TextEncoder();

/** The partition Kafka's Java producer picks for `key` in a topic of `partitions` partitions. */
export function partitionForKey(key: string, partitions: number): number {
  return toPositive(murmur2(encoder.encode(key))) % partitions;
}
