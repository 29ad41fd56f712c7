/**
 * Where a sign-out (or the login redirect) may send the browser: a path on this site, or an
 * absolute http(s) URL whose host is on the allow-list. Everything else is refused (undefined)
 * and the caller falls back to its landing page.
 *
 * The rule follows how browsers parse URLs (WHATWG URL parsing), not string patterns, and is
 * applied to the value as received AND to every percent-decoding of it until it stops changing:
 * a server, proxy or script further along may decode the value once more, so `/%2F/evil`
 * (`///evil` decoded) or `/%252F%252Fevil` (decoded twice) are as dangerous as `//evil`. Each form
 * must
 * - parse (relative to a placeholder origin) without credentials,
 * - for a path: stay on the placeholder origin, and not begin with `//` once `\` is read as `/`;
 *   for an absolute URL: be http(s) to an allowed host,
 * - have a path that does not begin with `//` once dot segments are resolved (`/.//evil`), which
 *   anything taking the path as a URL would read as another host,
 * - contain no control characters (decoded `%09`, `%0d%0a`, `%00`: browsers drop tabs and
 *   newlines, so `/\t/evil` becomes `//evil`).
 * The value as received must in addition start with `/` or `http(s)://` and contain no
 * whitespace, control characters or backslashes at all (`https:evil`, `javascript:`, `\\evil`).
 */
export function safeRedirectTarget(
  candidate: string | undefined,
  allowedHosts: readonly string[],
): string | undefined {
  if (!candidate || candidate.length > MAX_LENGTH) return undefined;
  for (let i = 0; i < candidate.length; i++) {
    const code = candidate.charCodeAt(i);
    if (code <= 0x20 || code === 0x7f || code === 0x5c) return undefined;
  }
  const kind = candidate.startsWith('/') ? 'path' : /^https?:\/\//i.test(candidate) ? 'absolute' : undefined;
  if (!kind) return undefined;
  const hosts = new Set(allowedHosts.map((host) => host.toLowerCase()));

  let form = candidate;
  for (let decodings = 0; ; decodings++) {
    if (!isSafeForm(form, kind, hosts)) return undefined;
    const decoded = percentDecode(form);
    if (decoded === form) break;
    // Each decoding shortens the text, so this ends; nothing legitimate is encoded this deep.
    if (decodings === MAX_DECODINGS) return undefined;
    form = decoded;
  }
  return kind === 'path' ? candidate : new URL(candidate).href;
}

const MAX_LENGTH = 2048;
const MAX_DECODINGS = 8;
const PLACEHOLDER = new URL('http://placeholder.invalid');
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

function isSafeForm(form: string, kind: 'path' | 'absolute', allowedHosts: ReadonlySet<string>): boolean {
  if (CONTROL_CHARACTERS.test(form)) return false;
  let url: URL;
  try {
    url = new URL(form, PLACEHOLDER);
  } catch {
    return false;
  }
  if (url.username || url.password || url.pathname.startsWith('//')) return false;
  if (kind === 'path') {
    // `/\host` is `//host` to a browser; checked as text too, as it could name the placeholder.
    return url.origin === PLACEHOLDER.origin && !form.replace(/\\/g, '/').startsWith('//');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  return allowedHosts.has(url.host) || allowedHosts.has(url.hostname);
}

/**
 * Percent-decoding as the URL standard defines it: every `%` followed by two hex digits becomes
 * that byte, anything else stays as it is, and the bytes are read as UTF-8 (invalid sequences
 * become U+FFFD). Lenient on purpose: it never throws, so `%zz%2F` still yields its `/`.
 */
function percentDecode(text: string): string {
  if (!text.includes('%')) return text;
  const bytes = Buffer.from(text, 'utf8');
  const out = Buffer.alloc(bytes.length);
  let length = 0;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i] as number;
    if (byte === 0x25 && i + 2 < bytes.length && isHex(bytes[i + 1]) && isHex(bytes[i + 2])) {
      out[length++] = Number.parseInt(
        String.fromCharCode(bytes[i + 1] as number, bytes[i + 2] as number),
        16,
      );
      i += 2;
    } else {
      out[length++] = byte;
    }
  }
  return out.toString('utf8', 0, length);
}

function isHex(byte: number | undefined): boolean {
  return (
    byte !== undefined &&
    ((byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66))
  );
}
