import { logAppended, logConsumed } from '../metrics/metrics.js';
import type { ConsumerHandlers, Log, LogConsumer, LogProducer } from './log.js';

/** A log whose producers and consumers count the records appended and consumed, per topic. */
export function meteredLog(inner: Log): Log {
  return {
    kind: inner.kind,
    start: () => inner.start(),
    ensureTopic: (topic, partitions) => inner.ensureTopic(topic, partitions),
    health: () => inner.health(),
    close: () => inner.close(),
    producer: (): LogProducer => {
      const producer = inner.producer();
      return {
        send: async (topic, records) => {
          await producer.send(topic, records);
          logAppended.inc({ topic }, records.length);
        },
      };
    },
    consumer: async (groupId: string, topic: string, handlers: ConsumerHandlers): Promise<LogConsumer> => {
      const consumer = await inner.consumer(groupId, topic, handlers);
      return {
        poll: async (maxRecords, maxWaitMs) => {
          const records = await consumer.poll(maxRecords, maxWaitMs);
          if (records.length > 0) logConsumed.inc({ topic }, records.length);
          return records;
        },
        commit: (offsets) => consumer.commit(offsets),
        pause: (partitions) => {
          consumer.pause(partitions);
        },
        resume: (partitions) => {
          consumer.resume(partitions);
        },
        paused: () => consumer.paused(),
        assignment: () => consumer.assignment(),
        membership: () => consumer.membership(),
        positions: () => consumer.positions(),
        lag: () => consumer.lag(),
        partitionLag: () => consumer.partitionLag(),
        close: () => consumer.close(),
      };
    },
  };
}
