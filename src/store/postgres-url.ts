import { parseServerUrl } from '../lib/server-url.js';

/** A validated PostgreSQL URL: the string for the driver, and a description that is safe to log. */
export interface PostgresTarget {
  readonly connectionString: string;
  /** `user@host:port/database`: never the password. */
  readonly server: string;
}

const PROTOCOLS = new Set(['postgres:', 'postgresql:']);

function problemOf(parsed: URL): string | undefined {
  if (!PROTOCOLS.has(parsed.protocol)) {
    return `the scheme must be postgres:// or postgresql://, not ${parsed.protocol}//`;
  }
  const socketDir = parsed.searchParams.get('host');
  if (parsed.hostname === '' && (socketDir === null || socketDir === '')) {
    return 'it names no host (give one, or a socket directory as ?host=/path)';
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (database === '' || database.includes('/')) {
    return 'it must name one database as its path, e.g. postgres://user@host:5432/tickflow';
  }
  return undefined;
}

/** Checks a PostgreSQL URL once, at the edge; throws TF_CONFIG_INVALID saying what is wrong with it. */
export function parsePostgresUrl(url: string): PostgresTarget {
  const { parsed } = parseServerUrl(
    url,
    'PostgreSQL',
    'postgres://user:password@host:5432/database',
    problemOf,
  );
  const host = parsed.hostname === '' ? (parsed.searchParams.get('host') ?? '') : parsed.hostname;
  const user = parsed.username === '' ? '' : `${decodeURIComponent(parsed.username)}@`;
  const database = decodeURIComponent(parsed.pathname.slice(1));
  return { connectionString: url, server: `${user}${host}:${parsed.port || '5432'}/${database}` };
}
