import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { ERROR_CODES } from '../../src/error-codes.js';
import { misshapenRows, tablesOf } from '../support/markdown-tables.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const REGISTRY = join('src', 'error-codes.ts');

const errorsDoc = (): Promise<string> => readFile(join(ROOT, 'docs', 'errors.md'), 'utf8');

/** Every file under src/, as [path relative to the root, text]. */
async function sources(): Promise<[string, string][]> {
  const files = await readdir(join(ROOT, 'src'), { recursive: true, withFileTypes: true });
  return Promise.all(
    files
      .filter((f) => f.isFile())
      .map(async (f): Promise<[string, string]> => {
        const path = join(f.parentPath, f.name);
        return [path.slice(ROOT.length), await readFile(path, 'utf8')];
      }),
  );
}

const CODE = /\bTF_[A-Z][A-Z0-9_]*/g;

test('docs/errors.md lists exactly the registered codes, each with its status, flag and meaning', async () => {
  const table = tablesOf(await errorsDoc()).find(
    (t) => t.header.join(' | ') === 'code | HTTP status | retriable | meaning',
  );
  assert.ok(table, 'docs/errors.md has the table of codes');
  const documented = table.rows.map((r) => r.cells.join(' | ')).sort();
  const registered = Object.entries(ERROR_CODES)
    .map(([code, s]) => [`\`${code}\``, String(s.status), s.retriable ? 'yes' : 'no', s.meaning].join(' | '))
    .sort();
  assert.deepEqual(documented, registered);
  assert.deepEqual(misshapenRows(await errorsDoc()), []);
});

test('every TF_ code named in src/ is registered, and every registered code is used', async () => {
  const named = new Map<string, string>();
  for (const [path, text] of await sources()) {
    if (path === REGISTRY) continue;
    for (const [code] of text.matchAll(CODE)) named.set(code, path);
  }
  const unregistered = [...named].filter(([code]) => !(code in ERROR_CODES)).map(([c, p]) => `${c} (${p})`);
  assert.deepEqual(unregistered, [], 'codes used in src/ but missing from src/error-codes.ts');
  const unused = Object.keys(ERROR_CODES).filter((code) => !named.has(code));
  assert.deepEqual(unused, [], 'registered codes nothing in src/ uses');
});

test('the README links docs/errors.md where it describes the error body', async () => {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
  assert.match(
    readme,
    /`\{"error":\{"code","message","statusCode"\}\}` \(every code[^)]*\[`docs\/errors\.md`\]\(docs\/errors\.md\)/,
  );
});
