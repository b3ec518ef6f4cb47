import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, open, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import { EmbeddedLog } from '../../src/log/embedded-log.js';
import { silentLogger } from '../../src/logger.js';
import { DEAD_LETTER_TOPIC } from '../../src/pipeline/topics.js';
import { type FakeCoinGecko, type Outcome, startFakeCoinGecko } from '../fixtures/fake-coingecko.js';
import { runCli } from '../support/cli.js';
import { cannotMount, mountTmpfs } from '../support/mounts.js';
import { readTopic } from '../support/read-topic.js';
import { startTickflow, type TickflowProcess } from '../support/tickflow-process.js';
import { waitFor } from '../support/wait.js';
import {
  assertHistoryIsReplayOf,
  E2E_FUTURE_HORIZON,
  getJson,
  tickLines,
  ticksInLog,
} from '../e2e/support.js';

const run = promisify(execFile);

/** `ok` answers, then the source is down for good, so a restart adds no ticks. */
const scriptOf = (fresh: number): Outcome[] => [
  ...Array<Outcome>(fresh).fill('ok'),
  ...Array<Outcome>(100_000).fill('500'),
];

const envFor = (dataDir: string, fake: FakeCoinGecko, extra: Record<string, string> = {}) => ({
  TICKFLOW_DATA_DIR: dataDir,
  PORT: '0',
  COINGECKO_BASE_URL: fake.url,
  TICKFLOW_POLL_INTERVAL: '150ms',
  TICKFLOW_FUTURE_HORIZON: E2E_FUTURE_HORIZON,
  TICKFLOW_COMMIT_INTERVAL: '200ms',
  TICKFLOW_CHECKPOINT_INTERVAL: '1s',
  LOG_LEVEL: 'info',
  ...extra,
});

interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly code?: string;
  readonly [key: string]: unknown;
}

/** The process's JSON log lines so far. */
const logLines = (app: TickflowProcess): LogLine[] =>
  app.output.stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as LogLine);

type Health = { status: string; components: Record<string, { status: string; detail?: string }> };

const health = async (app: TickflowProcess): Promise<{ status: number; body: Health }> => {
  const r = await getJson(`${app.url}/health`);
  return { status: r.status, body: r.body as Health };
};

/** While the disk fails: the API answers every endpoint, from memory and the store, and does not crash. */
async function assertServing(app: TickflowProcess): Promise<void> {
  assert.equal(app.child.exitCode, null, 'still running');
  const latest = await getJson(`${app.url}/api/v1/latest/BTC`);
  assert.equal(latest.status, 200, JSON.stringify(latest.body));
  assert.equal((latest.body as { stale: boolean }).stale, true, 'the latest price is marked stale');
  // Between its reopen attempts the embedded store's engine is closed, and a read it has not cached gets
  // 503 with the reason; otherwise history is served.
  const history = await getJson(`${app.url}/api/v1/historical/BTC?interval=1m`);
  if (history.status === 503) {
    assert.match(JSON.stringify(history.body), /"code":"TF_STORE_(NO_SPACE|UNAVAILABLE)"/);
  } else {
    assert.equal(history.status, 200, JSON.stringify(history.body));
    assert.ok((history.body as { candles: unknown[] }).candles.length > 0, 'history is served');
  }
}

/**
 * Problems are logged when they start, not once per attempt: no message at warn or above more than
 * `FLAPS` times in `lines`. A disk at the edge of full lets a small write through now and then (a file
 * the store's engine deletes as it closes, a row that fits an existing page), which ends a problem and
 * starts it again; a line per failed attempt would be dozens in the same time.
 */
const FLAPS = 3;
function assertLoggedOnce(lines: readonly LogLine[], what: string): void {
  const problems = lines.filter((l) => l.level >= 40).map((l) => l.msg);
  const times = new Map<string, number>();
  for (const m of problems) times.set(m, (times.get(m) ?? 0) + 1);
  const spam = [...times].filter(([, n]) => n > FLAPS);
  assert.deepEqual(spam, [], `${what}: logged once per start, not per attempt: ${problems.join(' | ')}`);
}

async function caughtUp(app: TickflowProcess): Promise<void> {
  await waitFor(
    'the processor to catch up',
    async () => (await health(app)).body.components['processor']?.detail?.startsWith('lag 0;'),
    30_000,
  );
}

/** Stops `app`, reads the log back, serves the same data again and checks history against a replay of it. */
async function assertHistoryIsReplayOfLog(
  app: TickflowProcess,
  dataDir: string,
  env: Record<string, string>,
): Promise<void> {
  assert.equal(await app.stop('SIGTERM'), 0, app.output.stderr.slice(-2000));
  const ticks = await ticksInLog(join(dataDir, 'log'));
  const again = await startTickflow(['start'], env);
  try {
    await assertHistoryIsReplayOf(dataDir, tickLines(ticks), [again.url]);
  } finally {
    assert.equal(await again.stop('SIGTERM'), 0, again.output.stderr.slice(-2000));
  }
}

/**
 * Overwrites 16 bytes in the middle of the middle segment of the partition of crypto-prices with the most
 * segments, so intact records come before and after the damage. Returns the file and the byte offset.
 */
async function damageMiddleSegment(topicDir: string): Promise<{ file: string; damagedAt: number }> {
  let busiest: string[] = [];
  let dir = '';
  for (const partition of await readdir(topicDir)) {
    if (!/^\d+$/.test(partition)) continue;
    const segments = (await readdir(join(topicDir, partition))).filter((f) => f.endsWith('.log')).sort();
    if (segments.length > busiest.length) [busiest, dir] = [segments, join(topicDir, partition)];
  }
  assert.ok(busiest.length >= 3, `several segments to damage the middle of: ${busiest.join(', ')}`);
  const file = join(dir, busiest[Math.floor(busiest.length / 2)] ?? '');
  const damagedAt = Math.floor((await stat(file)).size / 2);
  const handle = await open(file, 'r+');
  try {
    await handle.write(Buffer.alloc(16, 0xff), 0, 16, damagedAt);
  } finally {
    await handle.close();
  }
  return { file, damagedAt };
}

/** The dead letters in a stopped tickflow's log. */
async function deadLetters(logDir: string): Promise<Record<string, unknown>[]> {
  const log = new EmbeddedLog(logDir, silentLogger());
  await log.start();
  try {
    return (await readTopic(log, DEAD_LETTER_TOPIC)).map((v) => JSON.parse(v) as Record<string, unknown>);
  } finally {
    await log.close();
  }
}

describe('disk faults under the real tickflow start', () => {
  test(
    'a full disk: the log and the store say so once, the API serves on, it recovers when space returns, and history is the replay of what the log acknowledged; then a read-only data dir refuses to start in one line',
    { skip: cannotMount(), timeout: 180_000 },
    async (t) => {
      const disk = await mountTmpfs('64m');
      t.after(() => disk.unmount());
      const fake = await startFakeCoinGecko({ script: scriptOf(150), stepSeconds: 10 });
      t.after(() => fake.close());
      const dataDir = join(disk.dir, 'data');
      const env = envFor(dataDir, fake);
      const app = await startTickflow(['start'], env);
      t.after(() => app.stop('SIGKILL'));
      await waitFor('ticks to flow', () => fake.served.length >= 30, 30_000);

      const filler = join(disk.dir, 'filler');
      await run('fallocate', ['-l', String(await disk.available()), filler]);
      const fullAt = logLines(app).length;
      const down = await waitFor('/health to say the log is down', async () => {
        const h = await health(app);
        return h.body.components['log']?.status === 'down' ? h : undefined;
      });
      assert.equal(down.status, 503);
      assert.match(down.body.components['log']?.detail ?? '', /ENOSPC/);
      // Long enough for dozens of failed polls and of commit retries, and for a checkpoint to be due.
      await new Promise((resolve) => setTimeout(resolve, 10_000));
      await assertServing(app);
      const during = logLines(app).slice(fullAt);
      t.diagnostic(`while full: ${JSON.stringify(during.map((l) => [l.level, l.code ?? '', l.msg]))}`);
      assertLoggedOnce(during, 'while the disk is full');
      assert.ok(
        during.some((l) => l.level >= 40 && l.code === 'TF_INGEST_WRITE_FAILED'),
        'the refused write is logged with its code',
      );

      await rm(filler);
      await waitFor('/health to be ok again', async () => (await health(app)).status === 200, 30_000);
      await waitFor('every scripted snapshot to be served', () => fake.requests >= 150, 60_000);
      await caughtUp(app);
      assertLoggedOnce(logLines(app).slice(fullAt), 'from the full disk to its recovery');
      await assertHistoryIsReplayOfLog(app, dataDir, env);

      await disk.remount('ro');
      for (const dir of [dataDir, join(disk.dir, 'fresh')]) {
        const refused = await runCli(['start'], undefined, { ...env, TICKFLOW_DATA_DIR: dir });
        assert.equal(refused.code, 1, refused.stderr);
        const plain = refused.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('{'));
        assert.equal(plain.length, 1, `one line, no stack trace: ${refused.stderr}`);
        assert.match(
          plain[0] ?? '',
          /^tickflow start: failed to start: the data directory \S+ cannot be written \(EROFS: read-only file system/,
        );
      }
    },
  );

  test(
    'a corrupt segment in the middle of crypto-prices: reported with its place, dead-lettered, the rest intact, and processing goes on',
    { timeout: 180_000 },
    async (t) => {
      const dir = await mkdtemp(join(tmpdir(), 'tickflow-damage-'));
      t.after(() => rm(dir, { recursive: true, force: true }));
      const fake = await startFakeCoinGecko({ script: scriptOf(120), stepSeconds: 10 });
      t.after(() => fake.close());
      const dataDir = join(dir, 'data');
      const env = envFor(dataDir, fake, { TICKFLOW_LOG_SEGMENT_BYTES: '4096' });
      const first = await startTickflow(['start'], env);
      t.after(() => first.stop('SIGKILL'));
      await waitFor('several segments', () => fake.served.length >= 60, 30_000);
      assert.equal(await first.stop('SIGTERM'), 0, first.output.stderr.slice(-2000));

      const { file, damagedAt } = await damageMiddleSegment(join(dataDir, 'log', 'topics', 'crypto-prices'));
      const second = await startTickflow(['start', '--reset-to', 'earliest'], env);
      t.after(() => second.stop('SIGKILL'));
      const reported = await waitFor('the damage in the error log', () =>
        logLines(second).find((l) => l.level >= 50 && JSON.stringify(l).includes(file)),
      );
      t.diagnostic(`reported: ${JSON.stringify(reported)}`);
      const deadLettered = await waitFor('the damaged range dead-lettered', async () => {
        const detail = (await health(second)).body.components['processor']?.detail ?? '';
        const n = Number(/(\d+) dead-lettered/.exec(detail)?.[1] ?? 0);
        return n > 0 ? n : undefined;
      });
      t.diagnostic(`dead-lettered: ${deadLettered}, damage at byte ${damagedAt} of ${file}`);
      await waitFor('every scripted snapshot to be served', () => fake.requests >= 120, 60_000);
      await caughtUp(second);
      assert.equal((await health(second)).status, 200, 'the server serves');
      await assertHistoryIsReplayOfLog(second, dataDir, env);
      const dlq = await deadLetters(join(dataDir, 'log'));
      assert.ok(
        dlq.some((r) => r.code === 'TF_LOG_UNREADABLE' && JSON.stringify(r).includes(file)),
        `a dead letter names the file: ${JSON.stringify(dlq)}`,
      );
    },
  );
});
