import { validateHeaderValue, type IncomingMessage } from 'node:http';
import type { Clock } from '../clock';
import type { Config } from '../config';
import type { CallOutcome } from '../services/callOutcome';
import { requestScheme } from '../http/serviceUrl';
import type { HttpAnswer } from '../transports/answer';
import { clearingCookies, type CookiePolicy } from './cookies';
import { CSRF_HEADER, CsrfGuard } from './csrf';
import { LogoutWebhooks } from './webhooks';

/** The browser-facing side of signing out, shared by the ASMX transports and the /logout routes. */
export class SignOut {
  readonly csrf: CsrfGuard;
  readonly webhooks: LogoutWebhooks;
  readonly cookies: CookiePolicy;
  /** The `Set-Cookie` headers of a sign-out, made once: over HTTP, and over HTTPS (`Secure`). */
  private readonly clearing: { readonly plain: readonly string[]; readonly secure: readonly string[] };

  constructor(
    private readonly config: Config,
    clock: Clock,
    private readonly warn: (message: string) => void,
    onWebhookResult?: (result: 'delivered' | 'retried' | 'failed' | 'dropped') => void,
  ) {
    this.csrf = new CsrfGuard({
      enabled: config.csrfGuard,
      secret: config.csrfSecret,
      allowedOrigins: config.csrfAllowedOrigins,
    });
    this.webhooks = new LogoutWebhooks({
      urls: config.logoutWebhooks,
      secret: config.webhookSecret,
      maxAttempts: config.webhookMaxAttempts,
      timeoutMs: config.webhookTimeoutMs,
      retryBaseMs: config.webhookRetryBaseMs,
      clock,
      warn,
      ...(onWebhookResult ? { onResult: onWebhookResult } : {}),
    });
    // A copy: the cookies are the ones of the configuration as it was validated.
    this.cookies = {
      path: config.cookiePath,
      domain: config.cookieDomain,
      alsoClear: [...config.clearCookies],
    };
    // Made here, so that a setting no browser would take (a Config built past validation) stops
    // the start instead of failing the first sign-out after its ticket was revoked.
    const made = (secure: boolean) => {
      const headers = clearingCookies(this.cookies, secure);
      for (const header of headers) validateHeaderValue('Set-Cookie', header);
      return headers;
    };
    this.clearing = { plain: made(false), secure: made(true) };
  }

  /** The `Set-Cookie` headers that end the browser's session, `Secure` when the request came over HTTPS. */
  clearingCookies(req: IncomingMessage): string[] {
    return [
      ...(requestScheme(req, this.config.trustProxy) === 'https'
        ? this.clearing.secure
        : this.clearing.plain),
    ];
  }

  /**
   * The same, for an answer to a LogOut that is already done: if they cannot be made, none, with a
   * warning; the answer still reports the sign-out.
   */
  clearingCookiesOrNone(req: IncomingMessage): string[] {
    try {
      return this.clearingCookies(req);
    } catch (error) {
      this.warn(`sign-out cookies not cleared: ${(error as Error).message}`);
      return [];
    }
  }

  /**
   * Headers an operation's answer gains in the browser flows: the cookies cleared when the
   * session of the ticket cookie ended, and the CSRF token of a newly issued ticket.
   */
  decorate(req: IncomingMessage, outcome: CallOutcome, answer: HttpAnswer): HttpAnswer {
    if (outcome.kind !== 'value') return answer;
    // Most answers (every [901], every LogOut without the cookie) gain nothing: no objects made.
    if (!outcome.endedCookieSession && !(outcome.issuedTicket && this.csrf.enabled)) return answer;
    // The store has changed already (a ticket revoked or issued): a header that cannot be made is
    // left out with a warning, and the answer still tells the client what happened.
    const extra: Record<string, string | string[]> = {};
    if (outcome.endedCookieSession) {
      const cookies = this.clearingCookiesOrNone(req);
      if (cookies.length) extra['Set-Cookie'] = cookies;
    }
    const ticket = this.csrf.enabled ? outcome.issuedTicket : undefined;
    if (ticket) {
      try {
        extra[CSRF_HEADER] = this.csrf.tokenFor(ticket);
      } catch (error) {
        this.warn(`${CSRF_HEADER} not sent with a new ticket: ${(error as Error).message}`);
      }
    }
    return Object.keys(extra).length ? { ...answer, headers: { ...answer.headers, ...extra } } : answer;
  }
}
