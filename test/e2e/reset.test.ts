import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../support/cli.js';
import { startTickflow } from '../support/tickflow-process.js';
import { waitFor } from '../support/wait.js';
import { getJson } from './support.js';

describe('tickflow start on a data directory written with other intervals', () => {
  let dir: string;
  let env: Record<string, string>;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tickflow-e2e-reset-'));
    env = {
      TICKFLOW_DATA_DIR: join(dir, 'data'),
      PORT: '0',
      TICKFLOW_SOURCES: 'simulated',
      TICKFLOW_SIMULATED_RATE: '50',
      TICKFLOW_COMMIT_INTERVAL: '100ms',
    };
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test(
    'fails naming the way out; with --reset-to earliest it starts, and later starts need no reset',
    { timeout: 90_000 },
    async () => {
      const first = await startTickflow(['start'], env);
      await waitFor(
        'a processed tick',
        async () => (await getJson(`${first.url}/api/v1/latest/BTC`)).status === 200,
      );
      assert.equal(await first.stop('SIGTERM'), 0, first.output.stderr);

      const other = { ...env, TICKFLOW_INTERVALS: '1m,5m' };
      const refused = await runCli(['start'], undefined, other);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /failed to start: cannot restore checkpoint: it was taken with intervals/);
      assert.match(refused.stderr, /start with the settings it was taken with \(--intervals 1m,5m,15m /);
      assert.match(refused.stderr, /--reset-to earliest/);

      const reset = await startTickflow(['start', '--reset-to', 'earliest'], other);
      await waitFor(
        'a processed tick',
        async () => (await getJson(`${reset.url}/api/v1/latest/BTC`)).status === 200,
      );
      assert.equal(await reset.stop('SIGTERM'), 0, reset.output.stderr);
      const again = await startTickflow(['start'], other);
      assert.equal(await again.stop('SIGTERM'), 0, again.output.stderr);
    },
  );

  test('--reset-to takes only earliest or latest, and only where a processor runs', async () => {
    const bad = await runCli(['start', '--reset-to', 'sideways']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--reset-to: must be earliest or latest, not "sideways"/);
    assert.equal((await runCli(['serve', '--reset-to', 'earliest'])).code, 2);
    const help = await runCli(['process', '--help']);
    assert.match(help.stdout, /--reset-to earliest\|latest/);
  });
});
