import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { MemoryCache } from '../../src/cache/memory-cache.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { Candle } from '../../src/domain/candle.js';
import type { Tick } from '../../src/domain/tick.js';
import { EmbeddedLog } from '../../src/log/embedded-log.js';
import { type OffsetReset, PRICES_PARTITIONS, PRICES_TOPIC } from '../../src/log/log.js';
import { partitionForKey } from '../../src/log/partitioner.js';
import { silentLogger } from '../../src/logger.js';
import { encodeTick } from '../../src/pipeline/price-message.js';
import { ProcessorRunner } from '../../src/pipeline/processor-runner.js';
import { DEAD_LETTER_TOPIC, ensureTopics, PROCESSOR_GROUP } from '../../src/pipeline/topics.js';
import { createPgliteStore } from '../../src/store/pglite-store.js';
import type { Store } from '../../src/store/store.js';
import { FROM_EARLIEST } from '../support/read-topic.js';
import { engineCandles } from '../support/engine-candles.js';
import { sec, T0, tick } from '../support/operator-harness.js';
import { ERROR, type LogLine, recordingLogger } from '../support/recording-logger.js';
import { waitFor } from '../support/wait.js';

const settings = { 'commit-interval': '20ms', 'checkpoint-interval': '50ms' };
const CONFIG = loadConfig({ env: {}, flags: settings });
/** Small segments, so a partition has several. */
const LOG_OPTIONS = { segmentBytes: 2048 };
const BTC = partitionForKey('BTC', PRICES_PARTITIONS);
const ticks: Tick[] = Array.from({ length: 60 }, (_, i) =>
  tick({ symbol: 'BTC', ts: T0 + sec(20 * i), price: 100 + (i % 7), volume: 1 }),
);
const LOST =
  "processor: the checkpoint is ahead of the end of the log, so records it covers were lost from the log; continuing from the end of the log with the checkpoint's state";

/** A data directory: the log (reopened at will), the store and the cache, and the processor on them. */
class Rig {
  log!: EmbeddedLog;
  store!: Store;
  readonly cache = new MemoryCache();
  runner: ProcessorRunner | null = null;
  lines: LogLine[] = [];

  constructor(readonly dir: string) {}

  async open(): Promise<void> {
    this.store = createPgliteStore(join(this.dir, 'store'), silentLogger());
    await Promise.all([this.store.start(), this.cache.start(), this.openLog()]);
  }

  async openLog(): Promise<void> {
    this.log = new EmbeddedLog(join(this.dir, 'log'), silentLogger(), LOG_OPTIONS);
    await this.log.start();
    await ensureTopics(this.log);
  }

  /** Sends the ticks one at a time (so they fill several segments). */
  async send(batch: readonly Tick[]): Promise<void> {
    for (const t of batch)
      await this.log.producer().send(PRICES_TOPIC, [{ key: t.symbol, value: encodeTick(t) }]);
  }

  async startRunner(config = CONFIG, resetTo?: OffsetReset): Promise<ProcessorRunner> {
    const { logger, lines } = recordingLogger();
    this.lines = lines;
    const runner = new ProcessorRunner({
      log: this.log,
      store: this.store,
      cache: this.cache,
      config,
      logger,
      clock: Date.now,
      ...(resetTo === undefined ? {} : { resetTo }),
    });
    await runner.start();
    this.runner = runner;
    return runner;
  }

  async caughtUp(): Promise<void> {
    const runner = this.runner;
    assert.ok(runner !== null);
    await waitFor('the processor to catch up', async () => (await runner.lag()) === 0, 10_000);
  }

  /** Stops the processor (it checkpoints) and closes the log. */
  async stop(): Promise<void> {
    await this.runner?.close();
    this.runner = null;
    await this.log.close();
  }

  async close(): Promise<void> {
    await this.runner?.close().catch(() => undefined);
    await Promise.all([this.log.close(), this.store.close(), this.cache.close()]);
  }

  segments(partition: number): Promise<string[]> {
    const dir = join(this.dir, 'log', 'topics', PRICES_TOPIC, String(partition));
    return readdir(dir).then((names) =>
      names
        .filter((n) => n.endsWith('.log'))
        .sort()
        .map((n) => join(dir, n)),
    );
  }

  async checkpointOffset(partition: number): Promise<number | undefined> {
    const offset = (await this.store.loadCheckpoints(PROCESSOR_GROUP, [partition])).get(
      partition,
    )?.nextOffset;
    return offset === undefined ? undefined : Number(offset);
  }

  async history(config = CONFIG): Promise<Candle[]> {
    const intervals = config.settings.intervals.map((i) => i.name);
    const all = await Promise.all(
      intervals.map((interval) => this.store.candles({ symbol: 'BTC', interval, limit: 1000 })),
    );
    return all.flat().map((c) => ({ ...c, closed: true }));
  }
}

const sortCandles = (candles: readonly Candle[]): Candle[] =>
  [...candles].sort((a, b) => a.interval.localeCompare(b.interval) || a.windowStart - b.windowStart);

describe('the processor on a damaged log', () => {
  let root: string;
  before(async () => (root = await mkdtemp(join(tmpdir(), 'tickflow-log-damage-'))));
  after(() => rm(root, { recursive: true, force: true }));

  test(
    'a checkpoint ahead of the log (bytes cut off the newest segment, then the last segment deleted) is reported once, and processing goes on from the end of the log',
    { timeout: 60_000 },
    async () => {
      const rig = new Rig(join(root, 'ahead'));
      await rig.open();
      try {
        await rig.send(ticks.slice(0, 20));
        await rig.startRunner();
        await rig.caughtUp();
        await rig.stop();
        const checkpoint = await rig.checkpointOffset(BTC);
        assert.equal(checkpoint, 20);

        const newest = (await rig.segments(BTC)).at(-1)!;
        await truncate(newest, (await stat(newest)).size - 5);
        await rig.openLog();
        await rig.startRunner();
        assert.deepEqual(
          rig.lines
            .filter((l) => l.msg === LOST)
            .map((l) => [l.level, l.partition, l.checkpointOffset, l.logEnd, l.lostOffsets]),
          [[ERROR, BTC, '20', '19', '1']],
        );
        assert.equal(await rig.checkpointOffset(BTC), 19, 'the new start is checkpointed at once');
        await rig.send(ticks.slice(20, 40));
        await rig.caughtUp();
        await rig.stop();

        const segments = await rig.segments(BTC);
        assert.ok(segments.length > 2, `${segments.length} segments`);
        await rm(segments.at(-1)!);
        await rig.openLog();
        const before = rig.log.partitions(PRICES_TOPIC)[BTC]!.endOffset;
        await rig.startRunner();
        const lost = rig.lines.filter((l) => l.msg === LOST);
        assert.equal(lost.length, 1);
        assert.equal(lost[0]!.logEnd, String(before));
        assert.equal(lost[0]!.checkpointOffset, '39');
        assert.equal(lost[0]!.lostOffsets, String(39 - before));
        await rig.send(ticks.slice(40));
        await rig.caughtUp();
        await rig.runner?.close();
        rig.runner = null;
        assert.deepEqual(
          sortCandles(await rig.history()),
          sortCandles(engineCandles(CONFIG, ticks)),
          'the checkpoint kept the lost ticks, so history is what an uninterrupted run gives',
        );
        await rig.startRunner();
        assert.equal(rig.lines.filter((l) => l.msg === LOST).length, 0, 'a clean restart reports nothing');
      } finally {
        await rig.close();
      }
    },
  );

  test(
    'a corrupt record in an older segment goes to the dead-letter topic with its position and reason, and the lag goes to 0',
    { timeout: 60_000 },
    async () => {
      const rig = new Rig(join(root, 'corrupt'));
      await rig.open();
      try {
        await rig.send(ticks);
        await rig.log.close();
        const [oldest] = await rig.segments(BTC);
        const bytes = await readFile(oldest!);
        const at = bytes.indexOf('"price":', 0, 'utf8');
        bytes.write('X', bytes.indexOf('"price":', at + 1, 'utf8') + 2, 'utf8'); // inside the second record
        await writeFile(oldest!, bytes);
        await rig.openLog();
        const runner = await rig.startRunner();
        await rig.caughtUp();
        assert.match((await runner.describe()).detail, /^lag 0; 1 dead-lettered \(crypto-prices-dlq\)/);

        const reader = await rig.log.consumer('dlq-reader', DEAD_LETTER_TOPIC, FROM_EARLIEST);
        const dead = await waitFor('the dead letter', async () => {
          const records = await reader.poll(10, 100);
          return records.length > 0 ? records : undefined;
        });
        await reader.close();
        const entry = JSON.parse(dead[0]!.value) as Record<string, unknown>;
        const location = entry['location'] as { file: string; start: number; end: number };
        assert.deepEqual(
          { ...entry, location: undefined },
          {
            code: 'TF_LOG_UNREADABLE',
            reason: 'CRC mismatch',
            topic: PRICES_TOPIC,
            partition: BTC,
            offset: '1',
            lastOffset: '1',
            location: undefined,
          },
        );
        assert.equal(location.file, oldest);
        assert.ok(location.start > 0 && location.end > location.start && location.end < bytes.length);
        assert.ok(rig.lines.some((l) => l.code === 'TF_LOG_UNREADABLE'));
      } finally {
        await rig.close();
      }
    },
  );

  test(
    'other intervals on an existing data directory: the start fails naming the way out, and --reset-to rebuilds the state from the log',
    { timeout: 60_000 },
    async () => {
      const rig = new Rig(join(root, 'intervals'));
      await rig.open();
      try {
        await rig.send(ticks);
        await rig.startRunner();
        await rig.caughtUp();
        await rig.runner?.close();
        rig.runner = null;

        const other = loadConfig({ env: {}, flags: { ...settings, intervals: '1m,5m' } });
        await assert.rejects(rig.startRunner(other), (err: Error & { code?: string }) => {
          assert.equal(err.code, 'TF_CHECKPOINT_INCOMPATIBLE');
          assert.match(err.message, /taken with intervals 60000,300000,900000 ms, not 60000,300000 ms/);
          assert.match(err.message, /--intervals 1m,5m,15m --out-of-orderness 10s --allowed-lateness 0/);
          assert.match(err.message, /--reset-to earliest/);
          return true;
        });

        const runner = await rig.startRunner(other, 'earliest');
        await rig.caughtUp();
        await runner.close();
        rig.runner = null;
        assert.deepEqual(sortCandles(await rig.history(other)), sortCandles(engineCandles(other, ticks)));
        await (await rig.startRunner(other)).close();
        rig.runner = null;

        const latest = await rig.startRunner(CONFIG, 'latest');
        assert.equal(await latest.lag(), 0);
        assert.equal(await rig.checkpointOffset(BTC), ticks.length, 'the reset is checkpointed at once');
      } finally {
        await rig.close();
      }
    },
  );
});
