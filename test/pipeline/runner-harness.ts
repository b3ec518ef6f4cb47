import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryCache } from '../../src/cache/memory-cache.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { Tick } from '../../src/domain/tick.js';
import { EmbeddedLog } from '../../src/log/embedded-log.js';
import { PRICES_TOPIC } from '../../src/log/log.js';
import { type Logger, silentLogger } from '../../src/logger.js';
import { encodeTick } from '../../src/pipeline/price-message.js';
import { ProcessorRunner } from '../../src/pipeline/processor-runner.js';
import { ensureTopics } from '../../src/pipeline/topics.js';
import { createPgliteStore } from '../../src/store/pglite-store.js';
import type { Store } from '../../src/store/store.js';
import { readTopic } from '../support/read-topic.js';

export interface RunnerHarness {
  readonly log: EmbeddedLog;
  readonly store: Store;
  readonly runner: ProcessorRunner;
  /** Appends ticks to `crypto-prices`, keyed by symbol. */
  send(ticks: readonly Tick[]): Promise<void>;
  /** Every record value of a topic, from the start. */
  readTopic(topic: string): Promise<string[]>;
  close(): Promise<void>;
}

/** A processor runner on a real embedded log and PGlite store in a temporary directory, logging to `logger`. */
export async function startRunner(
  flags: Readonly<Record<string, string>>,
  logger: Logger = silentLogger(),
): Promise<RunnerHarness> {
  const dir = await mkdtemp(join(tmpdir(), 'tickflow-runner-'));
  const log = new EmbeddedLog(join(dir, 'log'), silentLogger());
  const store = createPgliteStore(join(dir, 'store'), silentLogger());
  await Promise.all([log.start(), store.start()]);
  await ensureTopics(log);
  const config = loadConfig({ env: {}, flags });
  const runner = new ProcessorRunner({
    log,
    store,
    cache: new MemoryCache(),
    config,
    logger,
    clock: Date.now,
  });
  await runner.start();
  return {
    log,
    store,
    runner,
    send: (ticks) =>
      log.producer().send(
        PRICES_TOPIC,
        ticks.map((t) => ({ key: t.symbol, value: encodeTick(t) })),
      ),
    readTopic: (topic) => readTopic(log, topic),
    close: async () => {
      await runner.close().catch(() => undefined);
      await Promise.all([log.close(), store.close().catch(() => undefined)]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
