/** The URL with its password, if any, replaced, so it can be quoted in an error or a log. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.href;
  } catch {
    // Not a URL: the part between "//user:" and "@" may still be a password.
    return url.replace(/(\/\/[^:/@]*:)[^@/]*@/, '$1***@');
  }
}
