import type { Consumer } from '@platformatic/kafka';
import type { Logger } from '../../logger.js';
import type { StartPosition } from '../log.js';

/** ListOffsets' timestamps for the oldest retained offset and for the end of the partition. */
const EARLIEST = -2n;
const LATEST = -1n;

export interface Bounds {
  /** The oldest offset still in the log (retention deletes older ones). */
  readonly earliest: bigint;
  /** The offset the next record will get (the high watermark). */
  readonly latest: bigint;
}

/** The current bounds of these partitions. */
export async function partitionBounds(
  client: Consumer,
  topic: string,
  partitions: readonly number[],
): Promise<Map<number, Bounds>> {
  const ask = (timestamp: bigint): Promise<Map<string, bigint[]>> =>
    client.listOffsets({ topics: [topic], partitions: { [topic]: [...partitions] }, timestamp });
  const [earliest, latest] = await Promise.all([ask(EARLIEST), ask(LATEST)]);
  return new Map(
    partitions.map((p) => [
      p,
      { earliest: earliest.get(topic)?.[p] ?? 0n, latest: latest.get(topic)?.[p] ?? 0n },
    ]),
  );
}

/**
 * The offset a partition starts at. An offset past the end starts at the end (records were lost from the
 * log after they were read: Kafka's auto.offset.reset=latest); one before the oldest retained record
 * starts at the oldest, with a warning, since the records in between are gone.
 */
export function startOffset(
  start: StartPosition,
  bounds: Bounds,
  where: { readonly topic: string; readonly partition: number },
  logger: Logger,
): bigint {
  if (start === 'earliest') return bounds.earliest;
  if (start === 'latest') return bounds.latest;
  const details = {
    ...where,
    offset: start.toString(),
    earliest: bounds.earliest.toString(),
    latest: bounds.latest.toString(),
  };
  if (start > bounds.latest) {
    logger.warn(details, 'start offset is past the end of the partition; starting at the end');
    return bounds.latest;
  }
  if (start < bounds.earliest) {
    logger.warn(
      details,
      'start offset is before the oldest record the partition keeps (deleted by retention); ' +
        'starting at the oldest, the records in between are lost',
    );
    return bounds.earliest;
  }
  return start;
}
