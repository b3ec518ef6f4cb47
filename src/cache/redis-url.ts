import { parseServerUrl } from '../lib/server-url.js';

/** A validated Redis URL: the string for the client, and a description that is safe to log. */
export interface RedisTarget {
  /** The URL normalised (the client only enables TLS for a lower-case `rediss://`). */
  readonly url: string;
  /** `host:port/db`: never the user or password. */
  readonly server: string;
}

const PROTOCOLS = new Set(['redis:', 'rediss:']);
const DEFAULT_PORT = '6379';

function problemOf(parsed: URL): string | undefined {
  if (!PROTOCOLS.has(parsed.protocol)) {
    return `the scheme must be redis:// or rediss:// (TLS), not ${parsed.protocol}//`;
  }
  if (parsed.hostname === '') return 'it names no host, e.g. redis://127.0.0.1:6379';
  if (!/^\/?(\d+)?$/.test(parsed.pathname)) {
    return `the path must be a database number, e.g. redis://host:6379/0, not ${parsed.pathname}`;
  }
  // The client would read options from them, which `server` could then misdescribe.
  if (parsed.search !== '' || parsed.hash !== '') {
    return 'query parameters and fragments are not supported; give the database as the path';
  }
  return undefined;
}

/** Checks a Redis URL once, at the edge; throws TF_CONFIG_INVALID saying what is wrong with it. */
export function parseRedisUrl(url: string): RedisTarget {
  const { parsed, invalid } = parseServerUrl(
    url,
    'Redis',
    'redis://[[user]:password@]host[:port][/db]',
    problemOf,
  );
  const db = Number(parsed.pathname.slice(1) || '0');
  if (!Number.isSafeInteger(db)) throw invalid(`database ${parsed.pathname.slice(1)} is out of range`);
  return { url: parsed.href, server: `${parsed.hostname}:${parsed.port || DEFAULT_PORT}/${db}` };
}
