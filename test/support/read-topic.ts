import type { Log } from '../../src/log/log.js';

let readers = 0;

/** Every record value of a topic from its start (up to `max`), read by a consumer group of its own. */
export async function readTopic(log: Log, topic: string, max = 10_000): Promise<string[]> {
  const consumer = await log.consumer(`reader-${topic}-${++readers}`, topic, {
    onAssigned: (ps) => Promise.resolve(new Map(ps.map((p) => [p, 0]))),
    onRevoked: () => Promise.resolve(),
  });
  const values = (await consumer.poll(max, 200)).map((r) => r.value);
  await consumer.close();
  return values;
}
