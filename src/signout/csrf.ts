import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export interface CsrfOptions {
  readonly enabled: boolean;
  /** Shared by every instance so a token issued by one is accepted by all; random when empty. */
  readonly secret: string;
  readonly allowedOrigins: readonly string[];
}

export const CSRF_HEADER = 'X-CSRF-TOKEN';

/**
 * Off by default, as ASMX has no such check. When on, a state-changing request authenticated
 * only by the ticket cookie must carry the ticket's token in X-CSRF-TOKEN, or come from an
 * allowed Origin. The token is an HMAC of the ticket: nothing is stored, every instance with the
 * same secret agrees, and it dies with the ticket.
 */
export class CsrfGuard {
  private readonly secret: Buffer;
  private readonly origins: ReadonlySet<string>;

  constructor(private readonly options: CsrfOptions) {
    this.secret = options.secret ? Buffer.from(options.secret) : randomBytes(32);
    this.origins = new Set(options.allowedOrigins.map((origin) => origin.toLowerCase().replace(/\/+$/, '')));
  }

  get enabled(): boolean {
    return this.options.enabled;
  }

  tokenFor(ticket: string): string {
    return createHmac('sha256', this.secret).update(ticket).digest('base64url');
  }

  /** True when the request may act on the cookie's ticket. */
  allows(req: IncomingMessage, cookieTicket: string): boolean {
    if (!this.options.enabled) return true;
    const origin = req.headers.origin?.toLowerCase();
    if (origin && this.origins.has(origin)) return true;
    const given = req.headers['x-csrf-token'];
    if (typeof given !== 'string') return false;
    const expected = Buffer.from(this.tokenFor(cookieTicket));
    const actual = Buffer.from(given);
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  }
}

export const CSRF_REFUSAL =
  'CSRF check failed: a request authenticated only by the ticket cookie must carry the X-CSRF-TOKEN header issued with the ticket, or come from an allowed Origin. Nothing was changed.';
