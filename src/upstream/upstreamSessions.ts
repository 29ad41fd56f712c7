/**
 * The upstream tickets of the emulator's sessions. The emulator owns the sessions; a call it
 * forwards for one of its tickets goes with an upstream ticket of the same user, obtained once
 * through the upstream's CreateTicketforUser with the trusted password and kept beside the
 * session (in this process), renewed on request (after an upstream [901]), and logged out
 * upstream when the session ends here.
 */
import { LRUCache } from 'lru-cache';
import type { XmlNodeValue } from '../codec/values';
import type { ServiceModel } from '../contract/model';
import { sessionOperations, type SessionOperations } from './sessionOperations';
import type { UpstreamClient } from './upstreamClient';

/** The upstream refused to issue a ticket for the user ([900] disabled, [902] administrator, …). */
export class UpstreamSignInRefused extends Error {
  override readonly name = 'UpstreamSignInRefused';
}

/** Sessions held at once; beyond it the least recently used one signs in upstream again when next used. */
const MAX_SESSIONS = 100_000;

export class UpstreamSessions {
  private readonly tickets = new LRUCache<string, Promise<string>>({ max: MAX_SESSIONS });
  private readonly operations: SessionOperations;

  constructor(
    private readonly client: UpstreamClient,
    model: ServiceModel,
    private readonly trustedPassword: string,
    private readonly warn: (message: string) => void,
  ) {
    this.operations = sessionOperations(model);
  }

  /** The upstream ticket of a session here, signing the user in upstream the first time. */
  ticketFor(sessionTicket: string, username: string): Promise<string> {
    let ticket = this.tickets.get(sessionTicket);
    if (!ticket) {
      ticket = this.signIn(username);
      this.tickets.set(sessionTicket, ticket);
      // A failed sign-in is not kept: the next call tries again.
      ticket.catch(() => {
        if (this.tickets.get(sessionTicket) === ticket) this.tickets.delete(sessionTicket);
      });
    }
    return ticket;
  }

  /** A fresh upstream ticket for the session, once the upstream said [901] for `stale`. */
  renew(sessionTicket: string, username: string, stale: string): Promise<string> {
    const current = this.tickets.get(sessionTicket);
    // Concurrent calls that saw the same stale ticket share one new sign-in.
    return current
      ? current.then(
          (ticket) => (ticket === stale ? this.replace(sessionTicket, username) : ticket),
          () => this.replace(sessionTicket, username),
        )
      : this.replace(sessionTicket, username);
  }

  /** The session ended here (LogOut): its upstream ticket is logged out upstream, in the background. */
  sessionEnded(sessionTicket: string): void {
    const ticket = this.tickets.get(sessionTicket);
    if (!ticket) return;
    this.tickets.delete(sessionTicket);
    void ticket
      .then((upstreamTicket) =>
        this.client.call(this.operations.logOut, { AuthenticationTicket: upstreamTicket }),
      )
      .catch((error: unknown) => this.warn(`upstream LogOut not done: ${(error as Error).message}`));
  }

  private replace(sessionTicket: string, username: string): Promise<string> {
    this.tickets.delete(sessionTicket);
    return this.ticketFor(sessionTicket, username);
  }

  private async signIn(username: string): Promise<string> {
    const answer = await this.client.call(this.operations.createTicketforUser, {
      TrustedUserPwd: this.trustedPassword,
      UserName: username,
    });
    const root = answer.kind === 'value' ? (answer.value as XmlNodeValue | null) : null;
    const attribute = (name: string) => root?.attributes?.find(([key]) => key === name)?.[1];
    const ticket = attribute('ticket');
    if (attribute('success') === 'true' && ticket) return ticket;
    throw new UpstreamSignInRefused(
      answer.kind === 'fault' ? answer.message : (attribute('error') ?? 'the upstream issued no ticket'),
    );
  }
}
