import { ConfigError } from '../errors.js';
import { redactUrl } from '../lib/redact-url.js';

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
  const invalid = (reason: string): ConfigError =>
    new ConfigError([`Redis URL "${redactUrl(url)}": ${reason}`]);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid('not a URL; expected redis://[[user]:password@]host[:port][/db]');
  }
  const problem = problemOf(parsed);
  if (problem !== undefined) throw invalid(problem);
  const db = Number(parsed.pathname.slice(1) || '0');
  if (!Number.isSafeInteger(db)) throw invalid(`database ${parsed.pathname.slice(1)} is out of range`);
  return { url: parsed.href, server: `${parsed.hostname}:${parsed.port || DEFAULT_PORT}/${db}` };
}
