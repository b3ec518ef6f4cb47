/**
 * End to end through real servers: ticks appended to Kafka's crypto-prices as fast as the producers go
 * (two by default, each with its own symbols, as two `ingest` processes would), consumed by 1 and then 2
 * `tickflow process` processes (the real binary), to closed candles in PostgreSQL. Reports ticks/s from
 * the first append to the last closed candle committed, the producers' own rate, and how far the
 * processors were behind when the last append was acknowledged. Each round gets a throwaway Kafka and
 * PostgreSQL from scripts/services.sh; without Java/Maven or PostgreSQL it says so.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createKafkaLog } from '../src/log/kafka/kafka-log.js';
import { type OutgoingRecord, PRICES_TOPIC } from '../src/log/log.js';
import { silentLogger } from '../src/logger.js';
import { encodeTick } from '../src/pipeline/price-message.js';
import { cannotStart, embeddedEnv, startKafka, startPostgres } from '../test/support/services.js';
import { T0, report, tick } from './support.js';

const TICKS = Number(process.env.PIPELINE_BENCH_TICKS ?? 1_000_000);
const SYMBOLS = Array.from({ length: 10 }, (_, i) => `S${i}`);
const STEP_MS = 10; // per symbol: 100,000 ticks span 1,000 s of event time, so windows of every size close
const BATCH = 5_000;
/** Producers appending at once, each with its own symbols (as separate `ingest` processes would). */
const PRODUCERS = Number(process.env.PIPELINE_BENCH_PRODUCERS ?? 2);
const BOUND_MS = 10_000;
const BIN = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

/** Closed candles the ticks produce: windows that end before each symbol's final watermark. */
function expectedCandles(perSymbol: number): number {
  const watermark = T0 + (perSymbol - 1) * STEP_MS - BOUND_MS - 1;
  let count = 0;
  for (const size of [60_000, 300_000, 900_000]) {
    const first = Math.floor(T0 / size) * size;
    count += Math.max(0, Math.floor((watermark + 1 - first) / size));
  }
  return count * SYMBOLS.length;
}

/** The ticks in batches, for each producer: producer k sends the symbols whose index is k modulo PRODUCERS. */
function batches(): OutgoingRecord[][][] {
  const perSymbol = TICKS / SYMBOLS.length;
  const out: OutgoingRecord[][][] = Array.from({ length: PRODUCERS }, () => []);
  const pending: OutgoingRecord[][] = Array.from({ length: PRODUCERS }, () => []);
  for (let i = 0; i < perSymbol; i++) {
    for (const [s, symbol] of SYMBOLS.entries()) {
      const value = encodeTick(tick(symbol, 100 + s + (i % 50) / 100, T0 + i * STEP_MS, 0.1, null));
      const k = s % PRODUCERS;
      const batch = pending[k]!;
      batch.push({ key: symbol, value });
      if (batch.length === BATCH) {
        out[k]!.push(batch);
        pending[k] = [];
      }
    }
  }
  for (const [k, batch] of pending.entries()) if (batch.length > 0) out[k]!.push(batch);
  return out;
}

async function startProcessor(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn(process.execPath, [BIN, 'process'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  while (!out.includes('\n')) {
    if (child.exitCode !== null) throw new Error(`tickflow process exited with ${child.exitCode}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return child;
}

async function round(processors: number, work: OutgoingRecord[][][]): Promise<Record<string, number>> {
  const [kafka, postgres] = await Promise.all([startKafka(), startPostgres()]);
  const db = new pg.Client({ connectionString: postgres.url });
  const children: ChildProcess[] = [];
  try {
    const env = { ...embeddedEnv(), KAFKA_BROKERS: kafka.url, DATABASE_URL: postgres.url, LOG_LEVEL: 'warn' };
    for (let i = 0; i < processors; i++) children.push(await startProcessor(env));
    await new Promise((resolve) => setTimeout(resolve, 8_000)); // the group settles its assignment
    await db.connect();
    const logs = work.map((_, k) =>
      createKafkaLog({ brokers: kafka.url.split(','), clientId: `bench-${k}`, logger: silentLogger() }),
    );
    await Promise.all(logs.map((log) => log.start()));
    const started = performance.now();
    await Promise.all(
      logs.map(async (log, k) => {
        const producer = log.producer();
        for (const batch of work[k]!) await producer.send(PRICES_TOPIC, batch);
      }),
    );
    const acked = performance.now();
    await Promise.all(logs.map((log) => log.close()));
    const want = expectedCandles(TICKS / SYMBOLS.length);
    let have = 0;
    while (have < want) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const rows = await db.query<{ n: number }>('SELECT count(*)::integer AS n FROM price_candles');
      have = rows.rows[0]?.n ?? 0;
    }
    const done = performance.now();
    return {
      processors,
      producers: PRODUCERS,
      ticks: TICKS,
      candles: want,
      ticks_per_sec_end_to_end: Math.round(TICKS / ((done - started) / 1_000)),
      ticks_per_sec_produced: Math.round(TICKS / ((acked - started) / 1_000)),
      ms_behind_at_last_ack: Math.round(done - acked),
    };
  } finally {
    for (const child of children) {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
    }
    await db.end().catch(() => undefined);
    await Promise.all([kafka.close(), postgres.close()]);
  }
}

const missing = cannotStart(['kafka', 'postgres']);
if (missing !== false) {
  report({ bench: 'pipeline_kafka', skipped: missing });
} else {
  const work = batches();
  report({ bench: 'pipeline_kafka', rounds: [await round(1, work), await round(2, work)] });
}
