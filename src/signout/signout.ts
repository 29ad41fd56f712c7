import type { IncomingMessage } from 'node:http';
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

  constructor(
    private readonly config: Config,
    clock: Clock,
    warn: (message: string) => void,
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
    this.cookies = { path: config.cookiePath, domain: config.cookieDomain, alsoClear: config.clearCookies };
  }

  clearingCookies(req: IncomingMessage): string[] {
    return clearingCookies(this.cookies, requestScheme(req, this.config.trustProxy) === 'https');
  }

  /**
   * Headers an operation's answer gains in the browser flows: the cookies cleared when the
   * session of the ticket cookie ended, and the CSRF token of a newly issued ticket.
   */
  decorate(req: IncomingMessage, outcome: CallOutcome, answer: HttpAnswer): HttpAnswer {
    if (outcome.kind !== 'value') return answer;
    const extra: Record<string, string | string[]> = {};
    if (outcome.endedCookieSession) extra['Set-Cookie'] = this.clearingCookies(req);
    const ticket = this.csrf.enabled ? outcome.issuedTicket : undefined;
    if (ticket) extra[CSRF_HEADER] = this.csrf.tokenFor(ticket);
    return Object.keys(extra).length ? { ...answer, headers: { ...answer.headers, ...extra } } : answer;
  }
}
