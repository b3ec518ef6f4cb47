import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { SCHEMA } from '../../src/config/schema.js';

test('the README documents every setting with its flag, env var and default', async () => {
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
  for (const field of Object.values(SCHEMA)) {
    const row = readme.split('\n').find((line) => line.startsWith('|') && line.includes(`\`${field.env}\``));
    assert.ok(row, `README lists ${field.env}`);
    assert.ok(row.includes(`\`--${field.flag}\``), `README gives the flag of ${field.env}`);
    assert.ok(
      field.default === '' || row.includes(`\`${field.default}\``),
      `README gives the default of ${field.env}`,
    );
  }
});

test('the README shows the two commands that must work on a fresh clone', async () => {
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
  assert.match(readme, /npm ci && npm start/);
  assert.match(readme, /npm test/);
});
