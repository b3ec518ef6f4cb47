import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadConfig } from '../../src/config/load-config.js';
import { silentLogger } from '../../src/logger.js';
import { createSources, simulatedOptions } from '../../src/sources/create-sources.js';

describe('createSources', () => {
  test('builds the sources named in the settings, in order', async () => {
    const { settings } = loadConfig({
      env: {},
      flags: { sources: 'simulated,coingecko,coinbase,binance,file', 'file-input': '/tmp/x.jsonl' },
    });
    const sources = createSources(settings, silentLogger(), () => 0);
    assert.deepEqual(
      sources.map((s) => s.name),
      ['simulated', 'coingecko', 'coinbase', 'binance', 'file'],
    );
    assert.ok(sources.every((s) => s.status().state === 'starting'));
    await Promise.all(sources.map((s) => s.close()));
  });

  test('the simulated source jumps every 2 minutes by 2 % by default; 0 turns the jumps off', () => {
    assert.deepEqual(simulatedOptions(loadConfig({ env: {} }).settings).jumps, {
      everyMs: 120_000,
      size: 0.02,
    });
    const settings = loadConfig({
      env: { TICKFLOW_SIMULATED_JUMP_EVERY: '0' },
      flags: { 'simulated-jump-size': '0.05' },
    }).settings;
    assert.deepEqual(simulatedOptions(settings).jumps, { everyMs: 0, size: 0.05 });
    assert.throws(
      () => loadConfig({ env: { TICKFLOW_SIMULATED_JUMP_SIZE: '1', TICKFLOW_SIMULATED_JUMP_EVERY: '-1s' } }),
      /TICKFLOW_SIMULATED_JUMP_EVERY: .*\n.*TICKFLOW_SIMULATED_JUMP_SIZE: must be between 0.0001 and 0.5/s,
    );
  });

  test('the file source without a file is a configuration error', () => {
    // loadConfig refuses this combination; createSources checks it again for callers that build settings.
    const { settings } = loadConfig({ env: {}, flags: { sources: 'file', 'file-input': 'x.jsonl' } });
    assert.throws(() => createSources({ ...settings, fileInput: '' }, silentLogger()), {
      code: 'TF_SOURCE_CONFIG',
      message: /TICKFLOW_FILE_INPUT/,
    });
  });
});
