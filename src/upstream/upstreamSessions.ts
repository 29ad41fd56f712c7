/**
 * The upstream tickets of the emulator's sessions. The emulator owns the sessions; a call it
 * forwards for one of its tickets goes with an upstream ticket of the same user, obtained once
 * through the upstream's CreateTicketforUser with the trusted password and kept beside the
 * session (upstreamTickets.ts: in this process, or in the store's Redis so that every instance
 * shares it), renewed on request (after an upstream [901]), and logged out upstream when the
 * session ends here (LogOut, expiry, admin end).
 *
 * All the sessions of one user share the user's upstream ticket. It is logged out upstream when
 * the last of them ends: a session ending here ends it unless another session noted as using it
 * is still live in the ticket store (a store that cannot tell counts as live: an upstream ticket
 * is never ended under a session that may still use it).
 */
import type { XmlNodeValue } from '../codec/values';
import type { ServiceModel } from '../contract/model';
import { sessionOperations, type SessionOperations } from './sessionOperations';
import type { UpstreamClient } from './upstreamClient';
import { MemoryUpstreamTickets, type UpstreamTickets } from './upstreamTickets';

/** The upstream refused to issue a ticket for the user ([900] disabled, [902] administrator, …). */
export class UpstreamSignInRefused extends Error {
  override readonly name = 'UpstreamSignInRefused';
}

export interface UpstreamSessionsOptions {
  /** Where the upstream tickets are kept; by default in this process. */
  readonly tickets?: UpstreamTickets;
  /** Whether an emulator ticket is still live (the ticket store's peek); by default every one is. */
  readonly isLive?: (sessionTicket: string) => Promise<boolean>;
}

export class UpstreamSessions {
  private readonly tickets: UpstreamTickets;
  private readonly isLive: (sessionTicket: string) => Promise<boolean>;
  /** Sign-ins under way in this process, by user: concurrent calls share one. */
  private readonly signingIn = new Map<string, Promise<string>>();
  private readonly operations: SessionOperations;

  constructor(
    private readonly client: UpstreamClient,
    model: ServiceModel,
    private readonly trustedPassword: string,
    private readonly warn: (message: string) => void,
    options: UpstreamSessionsOptions = {},
  ) {
    this.operations = sessionOperations(model);
    this.tickets = options.tickets ?? new MemoryUpstreamTickets();
    this.isLive = options.isLive ?? (() => Promise.resolve(true));
  }

  /** The upstream ticket of a session here: the user's, signing the user in upstream the first time. */
  async ticketFor(sessionTicket: string, username: string): Promise<string> {
    const userKey = username.toLowerCase();
    const known = await this.tickets.use(userKey, sessionTicket);
    return known ?? this.obtain(userKey, sessionTicket, username, undefined);
  }

  /** A fresh upstream ticket for the session, once the upstream said [901] for `stale`. */
  async renew(sessionTicket: string, username: string, stale: string): Promise<string> {
    const userKey = username.toLowerCase();
    // Calls that saw the same stale ticket (here or on another instance) share one new sign-in.
    const current = await this.tickets.use(userKey, sessionTicket);
    if (current !== undefined && current !== stale) return current;
    return this.obtain(userKey, sessionTicket, username, stale);
  }

  /**
   * The session ended here (LogOut, expiry, admin end): unless another live session of the user
   * still uses the upstream ticket, it is logged out upstream. Runs in the background; resolves
   * when done and never rejects (what fails is logged).
   */
  sessionEnded(sessionTicket: string, userKey: string): Promise<void> {
    return this.end(sessionTicket, userKey.toLowerCase()).catch((error: unknown) =>
      this.warn(`upstream LogOut not done: ${(error as Error).message}`),
    );
  }

  private async end(sessionTicket: string, userKey: string): Promise<void> {
    const use = await this.tickets.leave(userKey, sessionTicket);
    if (!use) return;
    const live = await Promise.all(use.sessions.map((session) => this.isLive(session).catch(() => true)));
    const dead = use.sessions.filter((_, index) => !live[index]);
    if (live.some(Boolean) && dead.length === 0) return;
    if (await this.tickets.release(userKey, use.ticket, dead)) await this.logOut(use.ticket);
  }

  /** Signs the user in upstream (once at a time in this process) and keeps the ticket, unless another won. */
  private async obtain(
    userKey: string,
    sessionTicket: string,
    username: string,
    stale: string | undefined,
  ): Promise<string> {
    let pending = this.signingIn.get(userKey);
    if (!pending) {
      pending = this.signIn(username).finally(() => this.signingIn.delete(userKey));
      this.signingIn.set(userKey, pending);
    }
    const fresh = await pending;
    let kept: string;
    try {
      kept = await this.tickets.offer(userKey, sessionTicket, fresh, stale);
    } catch (error) {
      // Not kept anywhere: nobody would ever end it.
      void this.logOut(fresh).catch(() => undefined);
      throw error;
    }
    // Another sign-in (another instance's) was kept first: this one is not needed.
    if (kept !== fresh) void this.logOut(fresh).catch(() => undefined);
    return kept;
  }

  private async logOut(upstreamTicket: string): Promise<void> {
    await this.client.call(this.operations.logOut, { AuthenticationTicket: upstreamTicket });
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
