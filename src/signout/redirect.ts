/**
 * Where a sign-out may send the browser: a path on this site, or an absolute http(s) URL whose
 * host is on the allow-list. Anything else — `//host`, `/\host`, `https:host`, `javascript:`,
 * whitespace or control characters that browsers strip, backslashes that browsers read as
 * slashes — is refused (undefined), and the caller falls back to its landing page.
 */
export function safeRedirectTarget(
  candidate: string | undefined,
  allowedHosts: readonly string[],
): string | undefined {
  if (!candidate || candidate.length > 2048) return undefined;
  // Browsers drop tabs and newlines inside URLs and treat `\` as `/`: `/\t/evil` becomes `//evil`.
  for (let i = 0; i < candidate.length; i++) {
    const code = candidate.charCodeAt(i);
    if (code <= 0x20 || code === 0x7f || code === 0x5c) return undefined;
  }
  if (candidate.startsWith('/')) {
    // `//host` is protocol-relative, i.e. another site.
    return candidate.startsWith('//') ? undefined : candidate;
  }
  // Absolute URLs only in the `scheme://` form: `https:evil.com` parses as a URL but is refused.
  const lower = candidate.toLowerCase();
  if (!lower.startsWith('http://') && !lower.startsWith('https://')) return undefined;
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return undefined;
  }
  if (url.username || url.password) return undefined;
  const host = url.host.toLowerCase();
  const hostname = url.hostname.toLowerCase();
  const allowed = allowedHosts.some((entry) => {
    const e = entry.toLowerCase();
    return e === host || e === hostname;
  });
  return allowed ? url.href : undefined;
}
