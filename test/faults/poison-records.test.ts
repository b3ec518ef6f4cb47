import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Producer } from '@platformatic/kafka';
import type { Tick } from '../../src/domain/tick.js';
import { PRICES_PARTITIONS, PRICES_TOPIC } from '../../src/log/log.js';
import { partitionForKey } from '../../src/log/partitioner.js';
import { MAX_DEAD_LETTER_CHARS } from '../../src/pipeline/partition-task.js';
import { encodeTick } from '../../src/pipeline/price-message.js';
import { DEAD_LETTER_TOPIC } from '../../src/pipeline/topics.js';
import { admin, kafkaLog } from '../log/kafka/kafka-harness.js';
import { sec, T0, tick } from '../support/operator-harness.js';
import { readTopic } from '../support/read-topic.js';
import { cannotStart, startKafka } from '../support/services.js';
import { startTickflow } from '../support/tickflow-process.js';
import { waitFor } from '../support/wait.js';
import { type CandleRow, getJson } from '../e2e/support.js';

/** What `crypto-prices` may take per record here: the broker's default is 1 MiB; this topic allows 8. */
const TOPIC_MAX_BYTES = 8 * 1024 * 1024;
/** A record of 5 MB: the price is a string of digits. */
const HUGE = `{"symbol":"BTC","price":"${'7'.repeat(5_000_000)}","ts":${T0}}`;

/** The poison records, in the order they are written, each with the code it must be dead-lettered with. */
const POISON: { value: Buffer; code: string }[] = [
  { value: Buffer.from('{"symbol":"BTC","price":'), code: 'TF_POISON_JSON' },
  { value: Buffer.from([0xc3, 0x28, 0xff, 0xfe]), code: 'TF_LOG_UNREADABLE' },
  { value: Buffer.from(JSON.stringify({ symbol: 'BTC', price: 'high', ts: T0 })), code: 'TF_POISON_TICK' },
  { value: Buffer.from('[1,2,3]'), code: 'TF_POISON_TICK' },
  { value: Buffer.from('{"type":"candle","symbol":"BTC"}'), code: 'TF_POISON_TYPE' },
  { value: Buffer.from('{"type":"gap"}'), code: 'TF_POISON_SIGNAL' },
  { value: Buffer.from(HUGE), code: 'TF_POISON_TICK' },
];

const at = (symbol: string, s: number, price: number): Tick => tick({ symbol, ts: T0 + sec(s), price });
const BTC_FIRST = [at('BTC', 0, 100), at('BTC', 20, 103), at('BTC', 40, 99)];
const BTC_SECOND = [at('BTC', 75, 101), at('BTC', 90, 98), at('BTC', 110, 104)];
const ETH = [at('ETH', 10, 10), at('ETH', 30, 12), at('ETH', 50, 11)];

/** A 1m candle of three ticks without a size, worked out by hand. */
const minute = (start: number, [open, high, low, close]: readonly number[]): CandleRow => ({
  window_start: T0 + sec(start),
  window_end: T0 + sec(start + 60),
  open,
  high,
  low,
  close,
  volume: null,
  trades: 3,
  vwap: null,
});
const EXPECTED: Record<string, CandleRow[]> = {
  BTC: [minute(0, [100, 103, 99, 99]), minute(60, [101, 104, 98, 104])],
  ETH: [minute(0, [10, 12, 10, 11])],
};

const good = (ticks: readonly Tick[]) =>
  ticks.map((t) => ({
    topic: PRICES_TOPIC,
    partition: partitionForKey(t.symbol, PRICES_PARTITIONS),
    key: Buffer.from(t.symbol),
    value: Buffer.from(encodeTick(t)),
  }));

describe(
  'poison records written straight into crypto-prices on Kafka',
  { skip: cannotStart(['kafka']) },
  () => {
    test(
      'go to crypto-prices-dlq with their code and reason; the processor goes on and the good records give exactly their candles',
      { timeout: 180_000 },
      async () => {
        const kafka = await startKafka();
        const dir = await mkdtemp(join(tmpdir(), 'tickflow-poison-'));
        const brokers = kafka.url.split(',');
        const raw = new Producer({ clientId: 'raw-poison', bootstrapBrokers: brokers });
        const admin_ = admin(brokers);
        let app: Awaited<ReturnType<typeof startTickflow>> | undefined;
        try {
          // An operator may let the topic take bigger records than the broker's default; the dead-letter
          // topic, created by tickflow, keeps the default.
          await admin_.createTopics({
            topics: [PRICES_TOPIC],
            partitions: PRICES_PARTITIONS,
            replicas: 1,
            configs: [{ name: 'max.message.bytes', value: String(TOPIC_MAX_BYTES) }],
          });
          const btc = partitionForKey('BTC', PRICES_PARTITIONS);
          const poison = POISON.map(({ value }) => ({
            topic: PRICES_TOPIC,
            partition: btc,
            key: Buffer.from('BTC'),
            value,
          }));
          // Good, poison, good on BTC's partition; ETH beside it.
          await raw.send({ messages: [...good(BTC_FIRST.slice(0, 2)), ...poison.slice(0, 4), ...good(ETH)] });
          const input = join(dir, 'empty.jsonl');
          await writeFile(input, '');
          app = await startTickflow(
            ['start'],
            {
              KAFKA_BROKERS: kafka.url,
              TICKFLOW_DATA_DIR: join(dir, 'data'),
              PORT: '0',
              TICKFLOW_SOURCES: 'file',
              TICKFLOW_FILE_INPUT: input,
              TICKFLOW_INTERVALS: '1m',
              TICKFLOW_COMMIT_INTERVAL: '200ms',
              TICKFLOW_IDLE_TIMEOUT: '2s',
              TICKFLOW_SESSION_TIMEOUT: '6s',
            },
            60_000,
          );
          const url = app.url;
          const deadLettered = async (): Promise<number> => {
            const health = await getJson(`${url}/health`);
            const detail =
              (health.body as { components: Record<string, { detail?: string }> }).components['processor']
                ?.detail ?? '';
            return Number(/(\d+) dead-lettered/.exec(detail)?.[1]);
          };
          await waitFor(
            'the first poison records dead-lettered',
            async () => (await deadLettered()) === 4,
            60_000,
          );
          // While it runs: the rest, the 5 MB record among them, between good records.
          await raw.send({
            messages: [...good(BTC_FIRST.slice(2)), ...poison.slice(4), ...good(BTC_SECOND)],
          });
          for (const symbol of ['BTC', 'ETH']) {
            const candles = await waitFor(
              `${symbol}'s candles through the API`,
              async () => {
                const r = await getJson(`${url}/api/v1/historical/${symbol}?interval=1m`);
                const list = (r.body as { candles?: CandleRow[] }).candles ?? [];
                return list.length >= (EXPECTED[symbol]?.length ?? 0) ? list : undefined;
              },
              60_000,
            );
            assert.deepEqual(candles, EXPECTED[symbol], `${symbol}: exactly the good records' candles`);
          }
          assert.equal(await deadLettered(), POISON.length, '/health counts every poison record');
          assert.equal(app.child.exitCode, null, 'still running');

          const log = kafkaLog(brokers);
          await log.start();
          let dead: Record<string, unknown>[];
          try {
            dead = (await readTopic(log, DEAD_LETTER_TOPIC)).map(
              (v) => JSON.parse(v) as Record<string, unknown>,
            );
          } finally {
            await log.close();
          }
          assert.deepEqual(
            dead.map((d) => d['code']),
            POISON.map((p) => p.code),
            'each poison record once, in log order, with its code',
          );
          assert.ok(
            dead.every(
              (d) => typeof d['reason'] === 'string' && d['reason'] !== '' && d['partition'] === btc,
            ),
            'each with its reason and where it was',
          );
          assert.match(String(dead[2]?.['reason']), /^price: must be a finite number greater than 0$/);
          assert.match(String(dead[3]?.['reason']), /^tick: must be a JSON object$/);
          const huge = dead[6] ?? {};
          assert.equal(huge['value'], HUGE.slice(0, MAX_DEAD_LETTER_CHARS), 'the 5 MB record: its start');
          assert.deepEqual([huge['truncated'], huge['valueLength']], [true, HUGE.length]);

          const logged = app.output.stderr
            .split('\n')
            .filter((l) => l.includes('poison record sent to the dead-letter topic'))
            .map((l) => (JSON.parse(l) as { code: string }).code);
          assert.deepEqual(
            logged.sort(),
            [...new Set(POISON.map((p) => p.code))].sort(),
            'logged once per code',
          );
          assert.equal(await app.stop('SIGTERM'), 0, app.output.stderr.slice(-2_000));
        } finally {
          await app?.stop('SIGKILL');
          await raw.close();
          await admin_.close();
          await kafka.close();
          await rm(dir, { recursive: true, force: true });
        }
      },
    );
  },
);
