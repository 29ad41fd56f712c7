/**
 * Where forward mode keeps the upstream tickets: one upstream ticket per user (of one service),
 * and the emulator sessions that used it. In this process with the memory store
 * ({@link MemoryUpstreamTickets}); in the ticket store's Redis with the Redis store
 * (redisUpstreamTickets.ts), so every instance sharing that Redis uses, renews and ends the same
 * upstream ticket. UpstreamSessions (upstreamSessions.ts) decides; a book only keeps, atomically.
 *
 * User keys are canonical (lower case); sessions are emulator tickets.
 */
import { LRUCache } from 'lru-cache';

/** What {@link UpstreamTickets.leave} found: the user's upstream ticket and who else used it. */
export interface UpstreamTicketUse {
  readonly ticket: string;
  /** The other sessions noted as using it (some may be dead by now). */
  readonly sessions: readonly string[];
}

export interface UpstreamTickets {
  /** The user's upstream ticket, now noted as used by `session`; undefined when the user has none. */
  use(userKey: string, session: string): Promise<string | undefined>;
  /**
   * Keeps `fresh` as the user's upstream ticket unless the user already has one that is not
   * `stale`; returns the one kept, noted as used by `session`. When it is not `fresh`, another
   * sign-in won: the caller logs `fresh` out upstream.
   */
  offer(userKey: string, session: string, fresh: string, stale?: string): Promise<string>;
  /** `session` ended: no longer noted; the user's ticket and the sessions still noted, if any ticket. */
  leave(userKey: string, session: string): Promise<UpstreamTicketUse | undefined>;
  /**
   * Forgets the `dead` sessions, then drops the user's ticket when it still is `ticket` and no
   * session is noted any more. True when dropped: the caller logs it out upstream.
   */
  release(userKey: string, ticket: string, dead: readonly string[]): Promise<boolean>;
}

/** The books of every forwarding service, and what they hold open (a Redis connection). */
export interface UpstreamTicketBooks {
  /** The book of the service at `servicePath` (each service has its own upstream). */
  forService(servicePath: string): UpstreamTickets;
  close(): Promise<void>;
}

/** Users held at once; beyond it the least recently used one signs in upstream again when next used. */
const MAX_USERS = 100_000;
/** Sessions noted per user; beyond it the oldest is forgotten (and noted again when it next forwards). */
const MAX_SESSIONS_PER_USER = 10_000;

interface Held {
  ticket: string;
  readonly sessions: Set<string>;
}

/** The upstream tickets in this process (the memory store, or a store given by a library user). */
export class MemoryUpstreamTickets implements UpstreamTickets {
  private readonly users = new LRUCache<string, Held>({ max: MAX_USERS });

  use(userKey: string, session: string): Promise<string | undefined> {
    const held = this.users.get(userKey);
    if (held) note(held, session);
    return Promise.resolve(held?.ticket);
  }

  offer(userKey: string, session: string, fresh: string, stale?: string): Promise<string> {
    let held = this.users.get(userKey);
    if (!held) this.users.set(userKey, (held = { ticket: fresh, sessions: new Set() }));
    else if (held.ticket === stale) held.ticket = fresh;
    note(held, session);
    return Promise.resolve(held.ticket);
  }

  leave(userKey: string, session: string): Promise<UpstreamTicketUse | undefined> {
    const held = this.users.peek(userKey);
    if (!held) return Promise.resolve(undefined);
    held.sessions.delete(session);
    return Promise.resolve({ ticket: held.ticket, sessions: [...held.sessions] });
  }

  release(userKey: string, ticket: string, dead: readonly string[]): Promise<boolean> {
    const held = this.users.peek(userKey);
    if (!held) return Promise.resolve(false);
    for (const session of dead) held.sessions.delete(session);
    if (held.ticket !== ticket || held.sessions.size > 0) return Promise.resolve(false);
    this.users.delete(userKey);
    return Promise.resolve(true);
  }
}

/** A book in this process for each service. */
export function memoryUpstreamTicketBooks(): UpstreamTicketBooks {
  return { forService: () => new MemoryUpstreamTickets(), close: () => Promise.resolve() };
}

function note(held: Held, session: string): void {
  if (held.sessions.has(session)) return;
  if (held.sessions.size >= MAX_SESSIONS_PER_USER) {
    held.sessions.delete(held.sessions.values().next().value as string);
  }
  held.sessions.add(session);
}
