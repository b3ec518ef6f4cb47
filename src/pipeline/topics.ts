import { ALERTS_PARTITIONS, ALERTS_TOPIC, type Log, PRICES_PARTITIONS, PRICES_TOPIC } from '../log/log.js';

/** Records the processor could not decode, or the log could not read, with the reason: the dead-letter topic. */
export const DEAD_LETTER_TOPIC = 'crypto-prices-dlq';
/** Ticks that arrived after their window fired: the late-data side output. */
export const LATE_TOPIC = 'crypto-prices-late';
export const PROCESSOR_GROUP = 'tickflow-processor';

/** Creates every topic tickflow uses (idempotent), the prices and alerts topics with these partition counts. */
export async function ensureTopics(
  log: Log,
  partitions: { readonly prices: number; readonly alerts: number } = {
    prices: PRICES_PARTITIONS,
    alerts: ALERTS_PARTITIONS,
  },
): Promise<void> {
  await log.ensureTopic(PRICES_TOPIC, partitions.prices);
  await log.ensureTopic(ALERTS_TOPIC, partitions.alerts);
  await log.ensureTopic(DEAD_LETTER_TOPIC, 1);
  await log.ensureTopic(LATE_TOPIC, 1);
}
