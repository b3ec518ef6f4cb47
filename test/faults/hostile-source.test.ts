import assert from 'node:assert/strict';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { EmbeddedLog } from '../../src/log/embedded-log.js';
import { silentLogger } from '../../src/logger.js';
import { DEAD_LETTER_TOPIC } from '../../src/pipeline/topics.js';
import {
  BAD_PRICES,
  type BadPrice,
  type FakeCoinGecko,
  type Outcome,
  startFakeCoinGecko,
} from '../fixtures/fake-coingecko.js';
import { readTopic } from '../support/read-topic.js';
import { startTickflow, type TickflowProcess } from '../support/tickflow-process.js';
import { waitFor } from '../support/wait.js';
import { e2eStreamEnv, assertHistoryIsReplay, getJson } from '../e2e/support.js';

const ok = (n: number): Outcome[] => Array<Outcome>(n).fill('ok');
const BAD_PRICE_OUTCOMES = Object.keys(BAD_PRICES) as BadPrice[];
/** Every kind of bad answer, each between good ones, then the last snapshot again and again. */
const SCRIPT: Outcome[] = [
  ...[...ok(4), 'truncated', ...ok(3), '429', ...ok(2), 'array', ...ok(3), 'huge', ...ok(3)],
  ...['error-body', ...ok(2), '500', ...ok(2), 'huge-sized', ...ok(3), 'slow', ...ok(2)],
  ...BAD_PRICE_OUTCOMES.flatMap((o): Outcome[] => [o, ...ok(2)]),
  ...['future', ...ok(2), 'malformed', ...ok(14)],
  ...Array<Outcome>(10_000).fill('repeat'),
] as Outcome[];
const SCRIPTED = SCRIPT.length - 10_000;
/** Answers that step the market: every `ok`, and each bad price (whose other coin is good). */
const FRESH = SCRIPT.slice(0, SCRIPTED).filter((o) => o === 'ok' || o.startsWith('price-')).length;
/** Rejections per answer: one for an unreadable body, one per coin for a wrong shape or a future time. */
const REJECTED = 1 + 2 + 1 + 2 + 1 + BAD_PRICE_OUTCOMES.length + 2 + 2;

type Line = Record<string, unknown> & { level: number; msg: string };

const linesOf = (p: TickflowProcess): Line[] =>
  p.output.stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Line);

/** The resident set of a process now and at its peak (VmRSS, VmHWM), in MiB. */
async function memoryOf(pid: number): Promise<{ rss: number; peak: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
}

describe('tickflow start against a hostile CoinGecko', () => {
  let dir: string;
  let fake: FakeCoinGecko;
  let app: TickflowProcess;
  /** RSS samples, with how many requests the fake had answered when each was taken. */
  const samples: { requests: number; rss: number }[] = [];
  let sampler: NodeJS.Timeout | undefined;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tickflow-hostile-'));
    fake = await startFakeCoinGecko({
      script: SCRIPT,
      stepSeconds: 10,
      retryAfter: '1',
      slowMs: 3_000,
      prices: { bitcoin: 43_000, ethereum: 2_300 },
    });
    app = await startTickflow(['start'], {
      TICKFLOW_DATA_DIR: join(dir, 'data'),
      ...e2eStreamEnv(fake.url),
      TICKFLOW_SOURCE_TIMEOUT: '1s',
      LOG_LEVEL: 'debug',
    });
    const pid = app.child.pid ?? 0;
    sampler = setInterval(() => {
      const requests = fake.requests;
      memoryOf(pid).then(
        ({ rss }) => samples.push({ requests, rss }),
        () => undefined,
      );
    }, 100);
  });

  after(async () => {
    clearInterval(sampler);
    if (app.child.exitCode === null) await app.stop('SIGKILL');
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  });

  test(
    'it never crashes; no bad value reaches a candle: history equals replay over the plausible snapshots served',
    { timeout: 90_000 },
    async () => {
      await waitFor(
        'every scripted answer',
        () => fake.served.filter((s) => !s.repeated).length >= FRESH && fake.requests > SCRIPTED,
        60_000,
      );
      assert.equal(app.child.exitCode, null, 'still running');
      await assertHistoryIsReplay(dir, fake.served, [app.url]);
      const served = fake.served.flatMap((s) => Object.values(s.coins).map((q) => q.usd));
      assert.ok(
        served.every((usd) => usd > 100 && usd < 1e5),
        'the fake recorded only plausible prices',
      );
      for (const symbol of ['BTC', 'ETH']) {
        const r = await getJson(`${app.url}/api/v1/historical/${symbol}?interval=1m&limit=5000`);
        const candles = (r.body as { candles: Record<string, number>[] }).candles;
        const prices = candles.flatMap((c) => [c['open'], c['high'], c['low'], c['close']]);
        assert.ok(
          prices.every((p) => p !== undefined && p > 100 && p < 1e5),
          `${symbol}: no bad price in a candle`,
        );
      }
    },
  );

  test('each kind of bad answer is retried or rejected with one line carrying its code, and counted in /health', async () => {
    const lines = linesOf(app);
    const retried = lines.filter((l) => l.msg === 'retrying CoinGecko');
    const kinds = (re: RegExp): Line[] => retried.filter((l) => re.test(String(l['err'])));
    assert.equal(kinds(/answered 429/).length, 1, '429 retried once');
    assert.equal(kinds(/answered 500/).length, 1, 'the scripted 500 retried once');
    assert.equal(kinds(/did not answer within 1000 ms/).length, 1, 'the timeout retried once');
    assert.equal(retried.length, 3, 'nothing else was retried');
    assert.ok(
      retried.every((l) => l['code'] === 'TF_SOURCE_UNAVAILABLE'),
      'a retry carries its code',
    );
    const delays = kinds(/answered 429/).map((l) => l['delayMs']);
    assert.deepEqual(delays, [1000], 'Retry-After 1 s is honoured');

    const payload = lines.filter(
      (l) => l.msg === 'CoinGecko answered something that is not a price snapshot',
    );
    assert.deepEqual(
      payload.map((l) => [l['code'], /invalid JSON|body over 4194304 bytes/.exec(String(l['err']))?.[0]]),
      [
        ['TF_SOURCE_PAYLOAD', 'invalid JSON'],
        ['TF_SOURCE_PAYLOAD', 'body over 4194304 bytes'],
        ['TF_SOURCE_PAYLOAD', 'body over 4194304 bytes'],
      ],
      'the truncated answer and the two 100 MB answers (chunked, then with Content-Length): a line each',
    );
    const entries = lines.filter((l) => l.msg === 'CoinGecko entry rejected');
    assert.ok(entries.every((l) => l['code'] === 'TF_SOURCE_PAYLOAD'));
    assert.deepEqual(
      entries.map((l) => l['reason']),
      [
        'bitcoin.response: must be a JSON object keyed by coin id',
        'ethereum.response: must be a JSON object keyed by coin id',
        `bitcoin.response: is CoinGecko's error 10005 ("Internal error, try again"), not prices`,
        `ethereum.response: is CoinGecko's error 10005 ("Internal error, try again"), not prices`,
        'bitcoin.usd: must be a finite number greater than 0',
        'bitcoin.usd: must be at most 1e15: no asset is priced that high',
        'ethereum.usd: must be a finite number greater than 0',
      ],
      'each distinct reason once: four bad prices share one',
    );
    const future = lines.filter((l) => l['code'] === 'TF_TICK_IMPLAUSIBLE_TIME');
    assert.equal(future.length, 1, 'the year-3000 snapshot: one line for its two ticks');

    const health = await getJson(`${app.url}/health`);
    const components = (health.body as { components: Record<string, { detail?: string }> }).components;
    const detail = components['source:coingecko']?.detail ?? '';
    assert.match(detail, new RegExp(`; ${REJECTED} rejected$`), detail);
  });

  test('the 100 MB answers leave the RSS bounded', async () => {
    const first = SCRIPT.indexOf('huge');
    const last = SCRIPT.indexOf('huge-sized');
    const before = Math.max(...samples.filter((s) => s.requests < first).map((s) => s.rss));
    const during = Math.max(...samples.filter((s) => s.requests >= first).map((s) => s.rss));
    const { rss, peak } = await memoryOf(app.child.pid ?? 0);
    process.stdout.write(
      `# RSS MiB: before the 100 MB answers ${before.toFixed(1)}, highest from then on ${during.toFixed(1)}, ` +
        `now ${rss.toFixed(1)}, peak of the process ${peak.toFixed(1)} (${samples.length} samples; ` +
        `the answers were requests ${first + 1} and ${last + 1})\n`,
    );
    assert.ok(Number.isFinite(before) && Number.isFinite(during), 'sampled before and after');
    assert.ok(
      during - before < 64,
      `RSS grew by ${(during - before).toFixed(1)} MiB after the 100 MB answers`,
    );
  });

  test('it stops gracefully, and the year-3000 ticks are in the dead-letter topic', async () => {
    assert.equal(await app.stop('SIGTERM'), 0, app.output.stderr.slice(-2_000));
    const log = new EmbeddedLog(join(dir, 'data', 'log'), silentLogger());
    await log.start();
    try {
      const dead = (await readTopic(log, DEAD_LETTER_TOPIC)).map(
        (v) => JSON.parse(v) as { code: string; key: string },
      );
      assert.deepEqual(
        dead.map((d) => `${d.code} ${d.key}`),
        ['TF_TICK_IMPLAUSIBLE_TIME BTC', 'TF_TICK_IMPLAUSIBLE_TIME ETH'],
      );
    } finally {
      await log.close();
    }
  });
});
