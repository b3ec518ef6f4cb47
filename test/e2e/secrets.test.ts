import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startFakeCoinGecko } from '../fixtures/fake-coingecko.js';
import { createTestDatabase, requireServices } from '../support/services.js';
import { startTickflow } from '../support/tickflow-process.js';
import { waitFor } from '../support/wait.js';
import { E2E_FUTURE_HORIZON } from './support.js';

const DB_PASSWORD = 'Db-Secret-7f3a9';
const API_KEY = 'CG-Secret-Key-51c2';

test('secrets (the database password, the CoinGecko key) appear in no log line and not in /health', async (t) => {
  const urls = requireServices(t, ['postgres']);
  if (!urls) return;
  const dir = await mkdtemp(join(tmpdir(), 'tickflow-secrets-'));
  const db = await createTestDatabase(urls.postgres);
  // The test server trusts loopback, so any password connects; tickflow must still keep it to itself.
  const url = new URL(db.url);
  url.username = 'postgres';
  url.password = DB_PASSWORD;
  // Failures make tickflow log what it talks to: 500s and 429s from the source.
  const fake = await startFakeCoinGecko({
    apiKey: API_KEY,
    script: ['ok', '500', '429', 'ok', '500', '500', '500'],
  });
  const app = await startTickflow(['start'], {
    TICKFLOW_DATA_DIR: join(dir, 'data'),
    PORT: '0',
    DATABASE_URL: url.toString(),
    COINGECKO_BASE_URL: fake.url,
    COINGECKO_API_KEY: API_KEY,
    TICKFLOW_POLL_INTERVAL: '200ms',
    TICKFLOW_SOURCE_RETRIES: '2',
    TICKFLOW_FUTURE_HORIZON: E2E_FUTURE_HORIZON,
    LOG_LEVEL: 'debug',
  });
  try {
    await waitFor('the source to have failed and been retried', () => fake.requests >= 7, 30_000);
    assert.ok(
      fake.log.some((r) => r.apiKey === API_KEY),
      'the key was used',
    );
    const health = await (await fetch(`${app.url}/health`)).text();
    assert.match(health, /postgres|store/);
    for (const secret of [DB_PASSWORD, API_KEY]) {
      assert.ok(!health.includes(secret), `/health shows ${secret}`);
      assert.ok(!app.output.stdout.includes(secret), `stdout shows ${secret}`);
      assert.ok(!app.output.stderr.includes(secret), `a log line shows ${secret}`);
    }
    assert.ok(app.output.stderr.split('\n').length > 20, 'there were debug logs to look through');
  } finally {
    await app.stop();
    await fake.close();
    await db.drop();
    await rm(dir, { recursive: true, force: true });
  }
});
