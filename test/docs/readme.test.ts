import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { SCHEMA } from '../../src/config/schema.js';
import { misshapenRows, tablesOf } from '../support/markdown-tables.js';

const readme = (): Promise<string> => readFile(new URL('../../README.md', import.meta.url), 'utf8');

/** What the settings table says of each setting, by env var. */
async function settingsTable(): Promise<Map<string, readonly string[]>> {
  const table = tablesOf(await readme()).find(
    (t) => t.header.join(' ') === 'flag env var default read by meaning',
  );
  assert.ok(table, 'README has the settings table');
  return new Map(table.rows.map((r) => [r.cells[1]!.replaceAll('`', ''), r.cells]));
}

test('the README settings table gives every setting its flag, env var, default, commands and meaning', async () => {
  const rows = await settingsTable();
  for (const field of Object.values(SCHEMA)) {
    const cells = rows.get(field.env);
    assert.ok(cells, `README lists ${field.env}`);
    assert.deepEqual(
      cells,
      [
        `\`--${field.flag}\``,
        `\`${field.env}\``,
        field.default === '' ? '(none)' : `\`${field.default}\``,
        field.usedBy.join(', '),
        field.doc,
      ],
      `the README row of ${field.env}`,
    );
  }
  const documented = new Set(Object.values(SCHEMA).map((f) => f.env));
  assert.deepEqual(
    [...rows.keys()].filter((env) => !documented.has(env)),
    [],
    'every row is a setting of the schema',
  );
});

test('every row of every README table has as many cells as its header, with no | inside a cell', async () => {
  assert.deepEqual(misshapenRows(await readme()), []);
});

test('the cell check catches a row split by a | inside a cell, escaped or not', () => {
  const table = (row: string): string => `| a | b |\n| - | - |\n${row}\n`;
  assert.deepEqual(misshapenRows(table('| `x` | y |')), []);
  assert.deepEqual(misshapenRows(table('| `x\\|z` | y |')), ['line 3: 3 cells, not 2']);
  assert.deepEqual(misshapenRows(table('| x | y | z |')), ['line 3: 3 cells, not 2']);
  assert.deepEqual(misshapenRows(table('| x |')), ['line 3: 1 cells, not 2']);
});

test('the README shows the two commands that must work on a fresh clone', async () => {
  const text = await readme();
  assert.match(text, /npm ci && npm start/);
  assert.match(text, /npm test/);
});
