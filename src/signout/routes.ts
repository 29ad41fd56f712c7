import express, { type Request, type Response } from 'express';
import { logOut } from '../operations/logOut';
import { isStoreOutage, runOperation } from '../operations/shared';
import type { OperationContext } from '../operations/types';
import { ticketCookie } from '../transports/cookies';
import type { Config } from '../config';
import { CSRF_REFUSAL } from './csrf';
import { safeRedirectTarget } from './redirect';
import type { SignOut } from './signout';

/** The first string value of a query or form field. */
function field(source: unknown, ...names: string[]): string | undefined {
  if (!source || typeof source !== 'object') return undefined;
  for (const name of names) {
    const value = (source as Record<string, unknown>)[name];
    const first = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string' && first !== '') return first;
  }
  return undefined;
}

function wantsJson(req: Request): boolean {
  return req.method === 'POST' && (req.headers.accept ?? '').toLowerCase().includes('application/json');
}

/**
 * Browser sign-out and sign-in flows around the ASMX service:
 * - `GET|POST /logout?returnUrl=...` (or `logoutSuccessUrl`) ends the session of the ticket
 *   parameter or cookie, clears the cookies and redirects (only to a path here or an allowed host);
 *   with `Accept: application/json` a POST answers `{"logoutSuccess": ...}` instead.
 * - `GET /login?next=<path>` sends people to the configured external login page.
 */
export function signOutRoutes(config: Config, signOut: SignOut, context: OperationContext): express.Router {
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 20 });

  router.all('/logout', form, (req: Request, res: Response, next) => {
    if (req.method !== 'GET' && req.method !== 'POST') {
      res.set('Allow', 'GET, POST').status(405).type('text/plain').send('Method not allowed.');
      return;
    }
    handleLogout(req, res).catch(next);
  });

  async function handleLogout(req: Request, res: Response): Promise<void> {
    const paramTicket =
      field(req.query, 'ticket', 'AuthenticationTicket') ?? field(req.body, 'ticket', 'AuthenticationTicket');
    const cookieTicket = ticketCookie(req.headers.cookie);
    const returnUrl =
      field(req.query, 'returnUrl', 'logoutSuccessUrl') ?? field(req.body, 'returnUrl', 'logoutSuccessUrl');
    res.set('Cache-Control', 'no-store');

    // Authenticated by the cookie alone: the CSRF guard decides first, and a refusal changes nothing.
    if (!paramTicket && cookieTicket && !signOut.csrf.allows(req, cookieTicket)) {
      if (wantsJson(req)) res.status(403).json({ logoutSuccess: false, error: CSRF_REFUSAL });
      else res.status(403).type('text/plain').send(CSRF_REFUSAL);
      return;
    }

    const outcome = await runOperation(
      logOut,
      { params: { AuthenticationTicket: paramTicket }, cookieTicket },
      context,
    );

    // The browser's cookies go whatever the outcome: a stale ticket cookie is no use to anyone.
    res.append('Set-Cookie', signOut.clearingCookies(req));
    if (wantsJson(req)) {
      res
        .status(isStoreOutage(outcome) ? 503 : 200)
        .json(outcome.ok ? { logoutSuccess: true } : { logoutSuccess: false, error: outcome.error.text });
      return;
    }
    const target = safeRedirectTarget(returnUrl, config.redirectAllowedHosts) ?? config.logoutLandingUrl;
    if (!outcome.ok && config.logoutErrorUrl) {
      const code = outcome.error.code.replace(/^E/, '');
      res.redirect(302, config.logoutErrorUrl.replaceAll('%error_code%', encodeURIComponent(code)));
      return;
    }
    res.redirect(302, target);
  }

  router.get('/login', (req: Request, res: Response) => {
    if (!config.externalLoginUrl) {
      res.status(404).type('text/plain').send('No external login page is configured (EXTERNAL_LOGIN_URL).');
      return;
    }
    // Only a path here is passed on, so the login page cannot be made to bounce people elsewhere.
    const next = safeRedirectTarget(field(req.query, 'next'), []) ?? '/';
    res
      .set('Cache-Control', 'no-store')
      .redirect(302, config.externalLoginUrl.replaceAll('%next_page%', encodeURIComponent(next)));
  });

  return router;
}
