import { serialize } from 'cookie';
import { TICKET_COOKIE } from '../transports/cookies';

export interface CookiePolicy {
  readonly path: string;
  /** Empty: a host-only cookie. */
  readonly domain: string;
  /** Other cookies a sign-out clears too (a portal's session and profile cookies, say). */
  readonly alsoClear: readonly string[];
}

/**
 * `Set-Cookie` headers that expire the ticket cookie and the configured others, with the same
 * path and domain they were set with. Cookies the emulator writes are HttpOnly and SameSite=Lax,
 * and Secure when the request came over HTTPS.
 */
export function clearingCookies(policy: CookiePolicy, secure: boolean): string[] {
  const names = [TICKET_COOKIE, ...policy.alsoClear.filter((name) => name !== TICKET_COOKIE)];
  return names.map((name) =>
    serialize(name, '', {
      path: policy.path,
      ...(policy.domain ? { domain: policy.domain } : {}),
      expires: new Date(0),
      maxAge: 0,
      httpOnly: true,
      sameSite: 'lax',
      secure,
    }),
  );
}
