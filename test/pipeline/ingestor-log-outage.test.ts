import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { epochMs } from '../../src/domain/time.js';
import { MemoryCache } from '../../src/cache/memory-cache.js';
import { PRICES_TOPIC } from '../../src/log/log.js';
import { silentLogger } from '../../src/logger.js';
import { Ingestor } from '../../src/pipeline/ingestor.js';
import { decodePriceMessage } from '../../src/pipeline/price-message.js';
import { ensureTopics } from '../../src/pipeline/topics.js';
import { servedTicks, startFakeCoinGecko, sourceOnFake } from '../fixtures/fake-coingecko.js';
import { kafkaLog } from '../log/kafka/kafka-harness.js';
import { FROM_EARLIEST } from '../support/read-topic.js';
import { cannotStart, startKafka } from '../support/services.js';
import { waitFor } from '../support/wait.js';

const HORIZON_MS = 86_400_000;
const SEND_TIMEOUT_MS = 2_000;
const SYMBOL_BY_ID = { bitcoin: 'BTC', ethereum: 'ETH' };

const fresh = (served: readonly { repeated: boolean }[]): number => served.filter((s) => !s.repeated).length;

describe(
  'Ingestor when the Kafka broker is gone for longer than a send may take',
  { skip: cannotStart(['kafka']) },
  () => {
    test('every snapshot it fetched meanwhile reaches the log once the broker is back; the source waits', async () => {
      const kafka = await startKafka();
      const log = kafkaLog([kafka.url], { requestTimeoutMs: 1_000, sendTimeoutMs: SEND_TIMEOUT_MS });
      const cache = new MemoryCache();
      const fake = await startFakeCoinGecko({ stepSeconds: 10 });
      const ingestor = new Ingestor({
        log,
        cache,
        sources: [sourceOnFake(fake.url, { futureHorizonMs: HORIZON_MS })],
        symbols: ['BTC', 'ETH'],
        latestTtlMs: 45_000,
        futureHorizonMs: HORIZON_MS,
        logger: silentLogger(),
        clock: Date.now,
      });
      try {
        await log.start();
        await ensureTopics(log);
        await cache.start();
        await ingestor.start();
        await waitFor('ticks in the log', () => ingestor.appended >= 10);

        await kafka.stop();
        await waitFor(
          'a send to outlive its timeout',
          () => (ingestor.problems.snapshot()['TF_INGEST_WRITE_FAILED'] ?? 0) >= 2,
          4 * SEND_TIMEOUT_MS + 5_000,
        );
        const servedDuringOutage = fresh(fake.served);
        await new Promise((r) => setTimeout(r, 2 * SEND_TIMEOUT_MS));
        assert.ok(
          fresh(fake.served) <= servedDuringOutage + 1,
          'the source does not poll on while its ticks wait for the log',
        );
        await kafka.start();
        await waitFor('the stream to go on', () => fresh(fake.served) >= servedDuringOutage + 10, 60_000);
        await ingestor.close();

        const expected = servedTicks(fake.served, SYMBOL_BY_ID).map((t) => `${t.symbol}@${t.ts}:${t.price}`);
        const reader = await log.consumer('ingestor-outage-reader', PRICES_TOPIC, FROM_EARLIEST);
        const inLog = new Set<string>();
        await waitFor(
          'every served tick in the log',
          async () => {
            for (const record of await reader.poll(10_000, 500)) {
              const decoded = decodePriceMessage(record.value, {
                appendedAt: epochMs(record.timestamp),
                futureHorizonMs: HORIZON_MS,
              });
              if (!decoded.ok || decoded.message.type !== 'tick') continue;
              const { symbol, ts, price } = decoded.message.tick;
              inLog.add(`${symbol}@${ts}:${price}`);
            }
            return expected.every((k) => inLog.has(k));
          },
          30_000,
        ).catch((err: unknown) => {
          const missing = expected.filter((k) => !inLog.has(k));
          throw new Error(
            `${missing.length} of ${expected.length} served ticks missing: ${missing.join(' ')}`,
            {
              cause: err,
            },
          );
        });
        await reader.close();
      } finally {
        await ingestor.close();
        await fake.close();
        await log.close();
        await cache.close();
        await kafka.close();
      }
    });
  },
);
