import { ConfigError } from '../errors.js';
import { redactUrl } from './redact-url.js';

/** A server URL parsed, and how to refuse it with a message that names the URL without its password. */
export interface ServerUrl {
  readonly parsed: URL;
  readonly invalid: (reason: string) => ConfigError;
}

/**
 * Parses the URL of a server (`what`, e.g. "Redis") once, at the edge: throws TF_CONFIG_INVALID when it is
 * not a URL (saying what one looks like: `expected`) or when `problemOf` finds something wrong with it.
 */
export function parseServerUrl(
  url: string,
  what: string,
  expected: string,
  problemOf: (parsed: URL) => string | undefined,
): ServerUrl {
  const invalid = (reason: string): ConfigError =>
    new ConfigError([`${what} URL "${redactUrl(url)}": ${reason}`]);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid(`not a URL; expected ${expected}`);
  }
  const problem = problemOf(parsed);
  if (problem !== undefined) throw invalid(problem);
  return { parsed, invalid };
}
