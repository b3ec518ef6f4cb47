import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTickflow } from '../support/tickflow-process.js';

type Line = Record<string, unknown>;

const jsonLines = (stderr: string): Line[] =>
  stderr
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      try {
        return JSON.parse(line) as Line;
      } catch {
        assert.fail(`a log line that is not JSON: ${line}`);
      }
    });

/** The logs of a real `tickflow start`: pino JSON on stderr, each line with its component, at the level asked. */
describe('logs', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tickflow-logs-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const run = async (level: string, requestId: string): Promise<Line[]> => {
    const app = await startTickflow(['start', '--log-level', level], {
      TICKFLOW_DATA_DIR: join(dir, level),
      TICKFLOW_SOURCES: 'simulated',
      PORT: '0',
    });
    const res = await fetch(`${app.url}/api/v1/symbols`, { headers: { 'x-request-id': requestId } });
    assert.equal(res.headers.get('x-request-id'), requestId);
    assert.equal(await app.stop('SIGTERM'), 0);
    return jsonLines(app.output.stderr);
  };

  test('--log-level debug: every line is JSON with a component, and a request is logged with its id', async () => {
    const lines = await run('debug', 'logs-test-1');
    assert.ok(lines.length > 10);
    for (const line of lines) {
      assert.equal(typeof line['component'], 'string', `no component: ${JSON.stringify(line)}`);
      assert.equal(typeof line['level'], 'number');
    }
    const components = new Set(lines.map((l) => l['component']));
    for (const c of ['store', 'log', 'processor', 'api', 'ingest', 'service'])
      assert.ok(components.has(c), c);
    const request = lines.find((l) => l['msg'] === 'request completed' && l['reqId'] === 'logs-test-1');
    assert.ok(request !== undefined, 'the request logged with its id');
    assert.equal(request['component'], 'api');
    assert.ok(
      lines.some((l) => l['level'] === 20),
      'debug lines',
    );
  });

  test('--log-level warn: nothing below warn', async () => {
    const lines = await run('warn', 'logs-test-2');
    assert.ok(
      lines.every((l) => Number(l['level']) >= 40),
      JSON.stringify(lines.slice(0, 3)),
    );
  });
});
