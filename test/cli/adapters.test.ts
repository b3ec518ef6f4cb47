import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createAdapters } from '../../src/cli/adapters.js';
import { loadConfig } from '../../src/config/load-config.js';
import { recordingLogger } from '../support/recording-logger.js';

let dir: string;
/** A data directory that cannot be made: its parent is a regular file. */
let unusable: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tickflow-adapters-'));
  await writeFile(join(dir, 'file'), '');
  unusable = join(dir, 'file', 'data');
});
after(() => rm(dir, { recursive: true, force: true }));

const config = (env: Record<string, string>) => loadConfig({ env: { TICKFLOW_DATA_DIR: unusable, ...env } });

test('a command that uses no embedded part needs no data directory, and is given only what it asked for', async () => {
  const { logger } = recordingLogger();
  const adapters = await createAdapters(
    config({ DATABASE_URL: 'postgres://tickflow@127.0.0.1:1/tickflow' }),
    logger,
    ['store', 'cache'],
  );
  assert.match(adapters.describe.store, /^postgres \(/);
  assert.equal(adapters.describe.cache, 'memory');
  assert.throws(() => adapters.log, /the log adapter was not asked for/);
  assert.equal(adapters.describe.log, 'unused');
  const ingest = await createAdapters(config({ KAFKA_BROKERS: '127.0.0.1:1' }), logger, ['log', 'cache']);
  assert.match(ingest.describe.log, /^kafka \(/);
  assert.throws(() => ingest.store, /the store adapter was not asked for/);
});

test('a command that uses the embedded log or store is refused an unusable data directory, with the reason', async () => {
  const { logger } = recordingLogger();
  for (const kinds of [['log'], ['store', 'cache']] as const) {
    await assert.rejects(createAdapters(config({}), logger, kinds), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'TF_DATA_DIR_UNUSABLE');
      assert.match(err.message, /cannot be written/);
      return true;
    });
  }
});
