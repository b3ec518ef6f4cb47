import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  ASSUMED_DESCRIPTOR_LIMIT,
  parseSoftDescriptorLimit,
  readDescriptorLimit,
} from '../../src/io/descriptor-limit.js';

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max processes             96362                96362                processes
Max open files            1024                 524288               files
Max locked memory         8388608              8388608              bytes
`;

describe('descriptor limit', () => {
  test('parses the soft "Max open files" figure', () => {
    assert.equal(parseSoftDescriptorLimit(LIMITS), 1024);
    assert.equal(parseSoftDescriptorLimit(LIMITS.replace('1024 ', 'unlimited ')), undefined);
    assert.equal(parseSoftDescriptorLimit('Max processes 10 10 processes\n'), undefined);
  });

  test('reads the limit the process runs under (prlimit pins it)', () => {
    const script =
      "import('./src/io/descriptor-limit.ts').then((m) => console.log(JSON.stringify(m.readDescriptorLimit())))";
    const out = spawnSync(
      'prlimit',
      ['--nofile=300:300', process.execPath, '--import', 'tsx', '-e', script],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(out.status, 0, out.stderr);
    assert.deepEqual(JSON.parse(out.stdout), { soft: 300, source: 'proc' });
  });

  test('assumes 1024 where there is no limits file, or it says nothing usable', () => {
    const assumed = { soft: ASSUMED_DESCRIPTOR_LIMIT, source: 'assumed' };
    assert.deepEqual(readDescriptorLimit('/nonexistent/limits'), assumed);
    assert.deepEqual(readDescriptorLimit('/dev/null'), assumed);
  });
});
