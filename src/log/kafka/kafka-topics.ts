import type { Admin, Base } from '@platformatic/kafka';
import { LogError } from '../log-errors.js';
import { hasProtocolError, isUnknownTopic, kafkaError } from './kafka-errors.js';
import type { ResolvedKafkaOptions } from './kafka-options.js';

const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

/** Partitions of a topic, or null when it does not exist. */
export async function partitionCount(client: Pick<Base, 'metadata'>, topic: string): Promise<number | null> {
  try {
    const metadata = await client.metadata({ topics: [topic], forceUpdate: true });
    return metadata.topics.get(topic)?.partitionsCount ?? null;
  } catch (err) {
    if (isUnknownTopic(err)) return null;
    throw kafkaError(`reading the metadata of ${topic}`, err);
  }
}

/**
 * Creates the topic with `partitions` partitions unless it exists. Kafka can add partitions but never
 * remove them, and adding moves keys to other partitions, so a topic with fewer partitions than asked is
 * only reported unless the operator opted in to `addPartitions`; one with more is left alone.
 */
export async function ensureTopic(
  admin: Admin,
  options: ResolvedKafkaOptions,
  topic: string,
  partitions: number,
): Promise<void> {
  if (!TOPIC_NAME.test(topic) || topic === '.' || topic === '..') {
    throw new LogError('TF_LOG_INVALID_TOPIC', `"${topic}" is not a valid Kafka topic name`);
  }
  if (!(Number.isInteger(partitions) && partitions > 0)) {
    throw new LogError('TF_LOG_INVALID_ARGUMENT', `partitions must be a positive integer, not ${partitions}`);
  }
  const existing = await partitionCount(admin, topic);
  if (existing === null) {
    await create(admin, topic, partitions, options.replicationFactor);
  } else if (existing < partitions) {
    await tooFew(admin, options, topic, existing, partitions);
  }
}

async function create(admin: Admin, topic: string, partitions: number, replicas: number): Promise<void> {
  try {
    await admin.createTopics({ topics: [topic], partitions, replicas });
  } catch (err) {
    // Another process created it between our metadata request and this one.
    if (hasProtocolError(err, 'TOPIC_ALREADY_EXISTS')) return;
    throw kafkaError(`creating topic ${topic}`, err);
  }
}

async function tooFew(
  admin: Admin,
  options: ResolvedKafkaOptions,
  topic: string,
  existing: number,
  wanted: number,
): Promise<void> {
  const details = { topic, partitions: existing, wanted };
  if (!options.addPartitions) {
    options.logger.warn(
      details,
      `topic ${topic} has ${existing} partitions, fewer than the ${wanted} tickflow asks for; ` +
        'it is used as it is (adding partitions moves keys, so it is left to the operator)',
    );
    return;
  }
  try {
    await admin.createPartitions({ topics: [{ name: topic, count: wanted }] });
  } catch (err) {
    throw kafkaError(`adding partitions to ${topic}`, err);
  }
  options.logger.warn(details, `topic ${topic} had ${existing} partitions; added up to ${wanted}`);
}
