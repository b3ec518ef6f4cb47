/**
 * Embedded log: durable appends per second (a send resolves after fsync) for one sender at a time, for
 * many concurrent senders sharing group commits, and for batches; and how fast a consumer reads back.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedLog } from '../src/log/embedded-log.js';
import { silentLogger } from '../src/logger.js';
import { report } from './support.js';

const VALUE = JSON.stringify({
  symbol: 'BTC',
  price: 43_250.5,
  ts: 1_700_000_000_000,
  source: 'bench',
  volume: 0.1,
});

async function rate(log: EmbeddedLog, senders: number, batch: number, sends: number): Promise<number> {
  const producer = log.producer();
  const records = Array.from({ length: batch }, (_, i) => ({ key: `S${i % 10}`, value: VALUE }));
  const started = performance.now();
  await Promise.all(
    Array.from({ length: senders }, async () => {
      for (let i = 0; i < sends; i++) await producer.send('bench', records);
    }),
  );
  return Math.round((senders * batch * sends) / ((performance.now() - started) / 1_000));
}

const dir = await mkdtemp(join(tmpdir(), 'tickflow-bench-log-'));
const log = new EmbeddedLog(dir, silentLogger());
try {
  await log.start();
  await log.ensureTopic('bench', 3);
  const single = await rate(log, 1, 1, 2_000);
  const concurrent = await rate(log, 64, 1, 200);
  const batched = await rate(log, 8, 100, 100);
  const consumer = await log.consumer('bench-reader', 'bench', {
    onAssigned: (partitions) => Promise.resolve(new Map(partitions.map((p) => [p, 0n]))),
    onRevoked: () => Promise.resolve(),
    onLost: () => Promise.resolve(),
  });
  const started = performance.now();
  let read = 0;
  for (
    let records = await consumer.poll(10_000, 100);
    records.length > 0;
    records = await consumer.poll(10_000, 100)
  ) {
    read += records.length;
  }
  const readPerSec = Math.round(read / ((performance.now() - started) / 1_000));
  await consumer.close();
  report({
    bench: 'log_embedded',
    appends_per_sec_one_sender: single,
    appends_per_sec_64_concurrent_senders: concurrent,
    records_per_sec_batches_of_100: batched,
    records_read_per_sec: readPerSec,
  });
} finally {
  await log.close();
  await rm(dir, { recursive: true, force: true });
}
