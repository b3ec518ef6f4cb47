import { errorMessage } from '../../errors.js';
import { LogError, type LogErrorCode } from '../log-errors.js';

/** Kafka protocol errors that mean the request itself is wrong, not that the cluster is unwell. */
const PERMANENT: ReadonlyMap<string, LogErrorCode> = new Map([
  ['MESSAGE_TOO_LARGE', 'TF_LOG_RECORD_TOO_LARGE'],
  ['RECORD_LIST_TOO_LARGE', 'TF_LOG_RECORD_TOO_LARGE'],
  ['INVALID_TOPIC_EXCEPTION', 'TF_LOG_INVALID_TOPIC'],
  ['INVALID_RECORD', 'TF_LOG_INVALID_RECORD'],
  ['INVALID_PARTITIONS', 'TF_LOG_INVALID_ARGUMENT'],
  ['INVALID_REPLICATION_FACTOR', 'TF_LOG_INVALID_ARGUMENT'],
]);

interface Findable {
  findBy(property: string, value: unknown): unknown;
}

const findable = (err: unknown): err is Findable =>
  typeof err === 'object' && err !== null && typeof (err as Partial<Findable>).findBy === 'function';

/** Whether the Kafka client's error (or one it wraps) is the protocol error `id`, e.g. 'REBALANCE_IN_PROGRESS'. */
export const hasProtocolError = (err: unknown, id: string): boolean =>
  findable(err) && err.findBy('apiId', id) !== null;

/** The client turns a metadata answer of UNKNOWN_TOPIC_OR_PARTITION into a UserError that only says so. */
export const isUnknownTopic = (err: unknown): boolean =>
  hasProtocolError(err, 'UNKNOWN_TOPIC_OR_PARTITION') ||
  hasProtocolError(err, 'UNKNOWN_TOPIC_ID') ||
  (err instanceof Error &&
    (err as { code?: unknown }).code === 'PLT_KFK_USER' &&
    err.message.startsWith('Unknown topic '));

/**
 * A LogError for a failed Kafka operation: permanent for requests the cluster refuses as wrong, otherwise
 * TF_LOG_UNAVAILABLE (retriable), since brokers that are down, moving leaders or rebalancing recover.
 */
export function kafkaError(action: string, err: unknown): LogError {
  if (err instanceof LogError) return err;
  for (const [id, code] of PERMANENT) {
    if (hasProtocolError(err, id)) return new LogError(code, `${action}: ${errorMessage(err)} (${id})`, err);
  }
  if (isUnknownTopic(err)) {
    return new LogError('TF_LOG_UNKNOWN_TOPIC', `${action}: the topic does not exist`, err);
  }
  return new LogError('TF_LOG_UNAVAILABLE', `${action}: ${errorMessage(err)}`, err);
}

/** Settles like `promise`, or rejects with TF_LOG_UNAVAILABLE after `ms`. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, action: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new LogError('TF_LOG_UNAVAILABLE', `${action}: no answer from Kafka within ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
