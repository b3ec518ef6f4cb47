import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkHealth, type Probe } from '../../src/pipeline/health-check.js';

describe('checkHealth', () => {
  test('a probe that does not answer is down after 1 s, and later reports join its check instead of piling up', async () => {
    let calls = 0;
    let answer: () => void = () => undefined;
    const store: Probe = {
      name: 'store',
      required: true,
      check: () => {
        calls++;
        return new Promise<void>((resolve) => {
          answer = resolve;
        });
      },
    };
    const reports = await Promise.all([checkHealth([store], []), checkHealth([store], [])]);
    const again = await checkHealth([store], []);
    for (const r of [...reports, again]) {
      const c = r.components['store'];
      assert.deepEqual([c?.status, c?.detail], ['down', 'no answer within 1000 ms']);
    }
    assert.equal(calls, 1, 'one check ran for three reports');
    answer();
    await new Promise((r) => setTimeout(r, 0));
    const back = await checkHealth([store], []);
    assert.equal(calls, 2, 'once it answered, the next report checks afresh');
    assert.equal(back.components['store']?.status, 'down', 'the new check hangs too');
    answer();
  });

  test('an answering probe is up, with its detail', async () => {
    const log: Probe = { name: 'log', required: true, check: () => Promise.resolve('lag 0') };
    const r = await checkHealth([log], []);
    assert.deepEqual(r.components['log'], { status: 'up', required: true, detail: 'lag 0' });
    assert.equal(r.status, 'ok');
  });
});
