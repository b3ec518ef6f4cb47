import type { ConsumerHandlers, Log } from '../../src/log/log.js';

let readers = 0;

/** Handlers of a reader that starts every partition at its oldest record and ignores rebalances. */
export const FROM_EARLIEST: ConsumerHandlers = {
  onAssigned: (ps) => Promise.resolve(new Map(ps.map((p) => [p, 'earliest' as const]))),
  onRevoked: () => Promise.resolve(),
  onLost: () => Promise.resolve(),
};

/** Every record value of a topic from its start (up to `max`), read by a consumer group of its own. */
export async function readTopic(log: Log, topic: string, max = 10_000): Promise<string[]> {
  const consumer = await log.consumer(`reader-${topic}-${++readers}`, topic, FROM_EARLIEST);
  const values = (await consumer.poll(max, 200)).map((r) => r.value);
  await consumer.close();
  return values;
}
