/**
 * Checks of the settings that end up in HTTP headers (cookie names, path and domain, redirect
 * targets) or in a request the emulator makes (webhooks, Redis), and the rules between settings
 * that Node or the stores would otherwise enforce only once a request comes. Each problem says
 * what is wrong and what is allowed, so a bad value stops the start instead of answering 500 to
 * the first LogOut that needs it.
 */
import type { z } from 'zod';
import { DAY_MS } from './clock';

/** `"\r" (U+000D)`: a character as it would be typed in JSON, and its code point. */
function showChar(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  return `${JSON.stringify(char)} (U+${code.toString(16).toUpperCase().padStart(4, '0')})`;
}

/** The first character `allowed` refuses, as `it contains "x" (U+0078) at position n` (1-based). */
function firstRefused(value: string, allowed: (char: string) => boolean): string | undefined {
  let position = 0;
  for (const char of value) {
    position++;
    if (!allowed(char)) return `it contains ${showChar(char)} at position ${position}`;
  }
  return undefined;
}

// RFC 6265 section 4.1.1: cookie-name = token (RFC 2616): visible ASCII except separators.
const TOKEN_CHAR = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]$/;
const TOKEN_ALLOWED =
  'a cookie name is an RFC 6265 token: letters, digits and !#$%&\'*+-.^_`|~ (no spaces, control characters or any of ()<>@,;:\\"/[]?={})';

export function cookieNameProblem(name: string): string | undefined {
  const refused = firstRefused(name, (char) => TOKEN_CHAR.test(char));
  return refused ? `is not a cookie name: ${refused}; ${TOKEN_ALLOWED}` : undefined;
}

// What the `cookie` package writes into `Path=` (and what RFC 6265 allows there, less spaces).
const PATH_ALLOWED =
  'allowed is a path starting with "/", of visible ASCII characters other than ";" and "<" (no spaces or control characters)';

export function cookiePathProblem(value: string): string | undefined {
  if (!value.startsWith('/')) return `must start with "/"; ${PATH_ALLOWED}`;
  const refused = firstRefused(value, (char) => {
    const code = char.charCodeAt(0);
    return char.length === 1 && code > 0x20 && code < 0x7f && char !== ';' && char !== '<';
  });
  return refused ? `${refused}; ${PATH_ALLOWED}` : undefined;
}

// The `cookie` package's own check of `Domain=`: dot-separated labels, an optional leading dot.
const DOMAIN = /^([.]?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)([.][a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

export function cookieDomainProblem(value: string): string | undefined {
  if (value === '' || DOMAIN.test(value)) return undefined;
  return (
    'is not a domain name: allowed is a domain such as "example.com" or ".example.com" (labels of letters, ' +
    'digits and "-", separated by "."; no scheme, port or path), or empty for a host-only cookie'
  );
}

const REDIRECT_ALLOWED =
  'allowed is a path on this site ("/signed-out") or an absolute http(s) URL ("https://portal.example.com/bye"), ' +
  'without spaces, control characters or backslashes';

/**
 * A redirect target of the configuration (sent as `Location`): a path here or an absolute http(s)
 * URL. `placeholders` (`%error_code%`, `%next_page%`) are replaced at request time; empty is
 * allowed when `optional`.
 */
export function redirectUrlProblem(value: string, optional: boolean): string | undefined {
  if (value === '') return optional ? undefined : `must not be empty; ${REDIRECT_ALLOWED}`;
  const refused = firstRefused(value, (char) => {
    const code = char.charCodeAt(0);
    return code > 0x20 && code !== 0x7f && char !== '\\' && !(code >= 0x80 && code <= 0x9f);
  });
  if (refused) return `${refused}; ${REDIRECT_ALLOWED}`;
  if (value.startsWith('//')) {
    return `"//" starts a protocol-relative URL, i.e. another site; write it as "https://host/…"; ${REDIRECT_ALLOWED}`;
  }
  const lower = value.toLowerCase();
  const absolute = lower.startsWith('http://') || lower.startsWith('https://');
  if (!absolute && !value.startsWith('/')) {
    return 'is neither a path on this site ("/signed-out") nor an absolute http(s) URL ("https://portal.example.com/bye")';
  }
  try {
    const url = new URL(value.replace(/%[a-z_]+%/gi, 'x'), 'http://emulator.invalid');
    if (absolute && !url.hostname) throw new Error('no host');
  } catch {
    return `is not a valid URL; ${REDIRECT_ALLOWED}`;
  }
  return undefined;
}

export function webhookUrlProblem(value: string): string | undefined {
  const refused = firstRefused(value, (char) => char.charCodeAt(0) > 0x20 && char.charCodeAt(0) !== 0x7f);
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (refused || !url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    return `is not an http(s) URL${refused ? ` (${refused})` : ''}: allowed is an absolute http:// or https:// URL to POST each logout to`;
  }
  if (url.username || url.password) {
    return (
      'carries credentials (user:password@), which fetch refuses to send: leave them out; the receiver ' +
      'authenticates the emulator by the X-Asmx-Signature-256 header signed with WEBHOOK_SECRET'
    );
  }
  return undefined;
}

const HOST =
  /^(?:\[[0-9a-f:.]+\]|[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*)(?::\d{1,5})?$/i;

export function hostProblem(value: string): string | undefined {
  if (HOST.test(value)) return undefined;
  return (
    'is not a host: allowed is a host name as it appears in the URL, optionally with its port ' +
    '("portal.example.com", "portal.example.com:8443"), without scheme or path'
  );
}

export function originProblem(value: string): string | undefined {
  const trimmed = value.replace(/\/+$/, '');
  let origin: string | undefined;
  try {
    const url = new URL(value);
    if ((url.protocol === 'http:' || url.protocol === 'https:') && !url.username && !url.password) {
      origin = url.origin;
    }
  } catch {
    origin = undefined;
  }
  if (origin && origin.toLowerCase() === trimmed.toLowerCase()) return undefined;
  return (
    'is not an origin: allowed is scheme://host[:port] as browsers send it in the Origin header ' +
    '("https://portal.example.com", "http://localhost:3000"), without path, query, credentials or a default port; never "null"'
  );
}

export function redisUrlProblem(value: string): string | undefined {
  try {
    const url = new URL(value);
    if ((url.protocol === 'redis:' || url.protocol === 'rediss:') && url.hostname) return undefined;
  } catch {
    // Refused below.
  }
  return 'must be a redis:// or rediss:// URL (e.g. "redis://127.0.0.1:6379", "rediss://:password@redis.example.com:6380/0")';
}

/** TICKET_TTL_DAYS: the stores keep whole milliseconds, and less than a second is no session. */
export function ticketTtlProblem(days: number): string | undefined {
  const ms = Math.round(days * DAY_MS);
  if (!Number.isFinite(days) || ms >= 1000) return undefined;
  return (
    `must be at least one second (${(1000 / DAY_MS).toFixed(10)} days): tickets live whole milliseconds ` +
    `on both stores, and ${String(days)} days is ${ms} ms`
  );
}

/** A zod refinement of one setting from a problem finder. */
export function checked<T>(problem: (value: T) => string | undefined) {
  return (value: T, ctx: z.RefinementCtx) => {
    const message = problem(value);
    if (message) ctx.addIssue({ code: 'custom', message });
  };
}

/** A zod refinement of a list setting: each item, named with its position (1-based). */
export function eachItem(problem: (item: string) => string | undefined) {
  return (items: readonly string[], ctx: z.RefinementCtx) => {
    items.forEach((item, index) => {
      const message = problem(item);
      if (message)
        ctx.addIssue({ code: 'custom', message: `${JSON.stringify(item)} (item ${index + 1}) ${message}` });
    });
  };
}

interface RuleInput {
  readonly headersTimeoutMs: unknown;
  readonly requestTimeoutMs: unknown;
  readonly logoutWebhooks: unknown;
  readonly webhookSecret: unknown;
  readonly csrfGuard: unknown;
  readonly csrfSecret: unknown;
  readonly store: unknown;
  readonly clearCookies: unknown;
  readonly cookieDomain: unknown;
  readonly cookiePath: unknown;
}

/**
 * Rules between settings. They run on whatever the fields parsed to (zod runs object refinements
 * even when a field failed), so each looks at the types it needs.
 */
export function checkSettingRules(config: RuleInput, ctx: z.RefinementCtx): void {
  const issue = (key: string, message: string) => ctx.addIssue({ code: 'custom', path: [key], message });
  const { headersTimeoutMs: headers, requestTimeoutMs: request } = config;
  if (typeof headers === 'number' && typeof request === 'number' && headers > request) {
    issue(
      'headersTimeoutMs',
      `must not exceed REQUEST_TIMEOUT_MS (${request}): the headers are part of the request, and Node refuses a ` +
        'headers timeout longer than the request timeout',
    );
  }
  if (Array.isArray(config.logoutWebhooks) && config.logoutWebhooks.length > 0 && !config.webhookSecret) {
    issue(
      'logoutWebhooks',
      'needs WEBHOOK_SECRET: every delivery is signed with it (X-Asmx-Signature-256), and a signature made with ' +
        'an empty key proves nothing to the receiver',
    );
  }
  if (config.csrfGuard === true && config.store === 'redis' && !config.csrfSecret) {
    issue(
      'csrfGuard',
      'needs CSRF_SECRET when STORE=redis: the tokens are HMACs of the ticket, and the instances sharing a Redis ' +
        "must share the secret to accept each other's tokens (an empty secret is random per process)",
    );
  }
  if (Array.isArray(config.clearCookies)) {
    for (const name of config.clearCookies as unknown[]) {
      if (typeof name !== 'string' || !name.toLowerCase().startsWith('__host-')) continue;
      const why = 'browsers take a __Host- cookie only without a Domain and with Path=/';
      if (config.cookieDomain) {
        issue(
          'clearCookies',
          `"${name}" cannot be cleared with COOKIE_DOMAIN (${JSON.stringify(config.cookieDomain)}): ${why}`,
        );
      } else if (config.cookiePath !== '/') {
        issue(
          'clearCookies',
          `"${name}" cannot be cleared with COOKIE_PATH (${JSON.stringify(config.cookiePath)}): ${why}`,
        );
      }
    }
  }
}
