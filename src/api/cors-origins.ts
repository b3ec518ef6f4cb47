interface AllowedOrigin {
  readonly protocol: string;
  readonly hostname: string;
  /** Null when the entry names no port: any port on that host is allowed. */
  readonly port: string | null;
}

const DEFAULT_PORTS: Readonly<Record<string, string>> = { 'http:': '80', 'https:': '443' };

const effectivePort = (url: URL): string => url.port || (DEFAULT_PORTS[url.protocol] ?? '');

/** True when the entry spells a port after the host, e.g. `http://localhost:80` (URL hides default ports). */
const hasExplicitPort = (entry: string): boolean =>
  /^[a-z][a-z0-9+.-]*:\/\/(\[[^\]]*\]|[^/:?#]*):\d+/i.test(entry);

function parseEntry(entry: string): AllowedOrigin | undefined {
  try {
    const url = new URL(entry);
    return {
      protocol: url.protocol,
      hostname: url.hostname,
      port: hasExplicitPort(entry) ? effectivePort(url) : null,
    };
  } catch {
    return undefined;
  }
}

/**
 * The `Origin` header parsed, if it is exactly an origin as browsers serialise it (RFC 6454: scheme, host
 * and a non-default port, in canonical form). URL parsing alone is lenient: it would read
 * `http://localhost\@evil.com`, `http://evil.com@localhost` or `http:localhost` as `http://localhost`.
 */
function parseOrigin(origin: string): URL | undefined {
  try {
    const url = new URL(origin);
    return url.origin === origin ? url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Compiles the CORS allowlist (`settings.corsOrigins`) into a predicate on the `Origin` header. `*` allows
 * every origin; an entry without a port allows any port on exactly its scheme and host. Only a canonical
 * origin can match.
 */
export function originMatcher(allowlist: readonly string[]): (origin: string) => boolean {
  if (allowlist.includes('*')) return () => true;
  const allowed = allowlist.map(parseEntry).filter((a): a is AllowedOrigin => a !== undefined);
  return (origin) => {
    const url = parseOrigin(origin);
    if (url === undefined) return false;
    const port = effectivePort(url);
    return allowed.some(
      (a) =>
        a.protocol === url.protocol && a.hostname === url.hostname && (a.port === null || a.port === port),
    );
  };
}
