import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../../src/errors.js';
import { parsePostgresUrl } from '../../src/store/postgres-url.js';

const refusal = (url: string): string => {
  try {
    parsePostgresUrl(url);
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.message;
  }
  throw new Error(`${url} was accepted`);
};

test('a PostgreSQL URL is described without its password', () => {
  assert.deepEqual(parsePostgresUrl('postgres://tf:secret@db:5433/tickflow'), {
    connectionString: 'postgres://tf:secret@db:5433/tickflow',
    server: 'tf@db:5433/tickflow',
  });
  assert.equal(parsePostgresUrl('postgresql://db/tickflow').server, 'db:5432/tickflow');
});

test('a bad PostgreSQL URL is refused with the reason, and never with its password', () => {
  assert.match(refusal('nonsense'), /PostgreSQL URL "nonsense": not a URL; expected postgres:\/\//);
  assert.match(refusal('mysql://u:pw@db/x'), /"mysql:\/\/u:\*\*\*@db\/x": the scheme must be postgres:\/\//);
  assert.match(refusal('postgres://db:5432/'), /must name one database/);
  for (const url of ['mysql://u:pw@db/x', 'postgres://u:pw@db:5432/'])
    assert.doesNotMatch(refusal(url), /pw/);
});
