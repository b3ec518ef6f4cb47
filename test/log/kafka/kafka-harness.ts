/** Shared pieces of the Kafka adapter's tests: a log on a private broker, recording handlers, polling. */
import { after, before } from 'node:test';
import { Admin } from '@platformatic/kafka';
import { createKafkaLog } from '../../../src/log/kafka/kafka-log.js';
import type { KafkaLogOptions } from '../../../src/log/kafka/kafka-options.js';
import type {
  ConsumerHandlers,
  Log,
  LogConsumer,
  LogRecord,
  Membership,
  StartPosition,
} from '../../../src/log/log.js';
import { silentLogger } from '../../../src/logger.js';
import { type PrivateServer, startKafka } from '../../support/services.js';

let clients = 0;

export interface KafkaFixture {
  /** The broker from scripts/services.sh: `stop()` and `start()` it for an outage. */
  readonly server: PrivateServer;
  /** Its KAFKA_BROKERS as a client's bootstrap list. */
  readonly brokers: readonly string[];
  readonly log: Log;
}

/**
 * A private broker and a started log on it for the tests of one file, removed after them. Call it inside
 * a `describe` that has `{ skip: cannotStart(['kafka']) }`.
 */
export function useKafka(options: Partial<KafkaLogOptions> = {}): KafkaFixture {
  const fixture = {} as { server: PrivateServer; brokers: readonly string[]; log: Log };
  before(async () => {
    fixture.server = await startKafka();
    fixture.brokers = fixture.server.url.split(',');
    fixture.log = kafkaLog(fixture.brokers, options);
    await fixture.log.start();
  });
  after(async () => {
    try {
      await fixture.log.close();
    } finally {
      await fixture.server.close();
    }
  });
  return fixture;
}

export function kafkaLog(brokers: readonly string[], options: Partial<KafkaLogOptions> = {}): Log {
  return createKafkaLog({
    brokers,
    clientId: `test-${++clients}`,
    logger: silentLogger(),
    sessionTimeoutMs: 6_000,
    heartbeatIntervalMs: 500,
    maxPollIntervalMs: 20_000,
    requestTimeoutMs: 5_000,
    ...options,
  });
}

export function admin(brokers: readonly string[]): Admin {
  return new Admin({ clientId: `test-admin-${++clients}`, bootstrapBrokers: [...brokers] });
}

export type HandlerEvent = {
  readonly kind: 'assigned' | 'revoked' | 'lost';
  readonly partitions: readonly number[];
  readonly membership: Membership;
  readonly at: number;
};

/** Handlers that note every call (with a global sequence number) and start where `starts` says. */
export class Recorder implements ConsumerHandlers {
  readonly events: HandlerEvent[] = [];
  static seq = 0;

  constructor(
    private readonly starts: (partitions: readonly number[]) => Map<number, StartPosition> = () => new Map(),
  ) {}

  onAssigned(
    partitions: readonly number[],
    membership: Membership,
  ): Promise<ReadonlyMap<number, StartPosition>> {
    this.events.push({ kind: 'assigned', partitions: [...partitions], membership, at: Recorder.seq++ });
    return Promise.resolve(this.starts(partitions));
  }

  onRevoked(partitions: readonly number[], membership: Membership): Promise<void> {
    this.events.push({ kind: 'revoked', partitions: [...partitions], membership, at: Recorder.seq++ });
    return Promise.resolve();
  }

  onLost(partitions: readonly number[], membership: Membership): Promise<void> {
    this.events.push({ kind: 'lost', partitions: [...partitions], membership, at: Recorder.seq++ });
    return Promise.resolve();
  }

  of(kind: HandlerEvent['kind']): HandlerEvent[] {
    return this.events.filter((e) => e.kind === kind);
  }
}

/** Polls until `count` records came (or `timeoutMs` passed) and returns them. */
export async function pollUntil(
  consumer: LogConsumer,
  count: number,
  timeoutMs = 15_000,
): Promise<LogRecord[]> {
  const records: LogRecord[] = [];
  const deadline = Date.now() + timeoutMs;
  while (records.length < count && Date.now() < deadline) records.push(...(await consumer.poll(1_000, 200)));
  return records;
}

/** Keeps polling in the background (as a processor would) until stopped; returns what it read. */
export function pollLoop(consumer: LogConsumer): {
  stop(): Promise<LogRecord[]>;
  readonly records: LogRecord[];
} {
  const records: LogRecord[] = [];
  const state = { running: true };
  const loop = (async () => {
    while (state.running) records.push(...(await consumer.poll(1_000, 100)));
  })();
  return {
    records,
    async stop() {
      state.running = false;
      await loop;
      return records;
    },
  };
}

/** Waits until `check` holds, polling it every 50 ms. */
export async function eventually(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
