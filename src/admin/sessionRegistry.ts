import type { TicketInfo } from '../tickets/TicketStore';
import { TICKET_HASH_LENGTH, ticketHash } from './ticketHash';

/** Why a session ended: a LogOut, its expiry, the memory store's bound, or the admin API. */
export type EndReason = 'logout' | 'expired' | 'evicted' | 'admin';
export const END_REASONS: readonly EndReason[] = ['logout', 'expired', 'evicted', 'admin'];

/** The session that ended: its ticket, and its user when known (followed here, or told by the caller). */
export interface EndedSession {
  readonly ticket: string;
  readonly userKey: string | undefined;
}

/** Who opened a session: the request's client. */
export interface SessionClient {
  readonly address: string;
  readonly userAgent: string;
}

interface Tracked {
  readonly ticket: string;
  readonly hash: string;
  readonly userKey: string;
  readonly issuedAt: number;
  lastUsedAt: number;
  readonly operation: string;
  readonly client: SessionClient;
  /**
   * Real time (not the steered clock) at which a sweep first found the ticket gone before its
   * expiry: ended on another instance, whose message is on its way, or evicted by Redis.
   */
  vanishedAt?: number;
}

/** A live session as `GET /_emulator/sessions` lists it: never the ticket itself. */
export interface SessionView {
  readonly user: string;
  readonly ticketHash: string;
  readonly issued: string;
  readonly lastUsed: string;
  readonly expires: string;
  readonly operation: string;
  readonly client: SessionClient;
}

/** The leak report's counts for one client or one user. */
export interface LeakCounts {
  loggedOut: number;
  expiredWithoutLogout: number;
  evictedWithoutLogout: number;
  endedByAdmin: number;
  open: number;
  /** Open and unused for longer than the report's threshold. */
  openIdle: number;
}

export interface LeakReport {
  readonly idleThresholdMs: number;
  readonly totals: LeakCounts;
  readonly byClient: (LeakCounts & { readonly client: SessionClient })[];
  readonly byUser: (LeakCounts & { readonly user: string })[];
  /** Sessions opened while the registry was full, which it could not follow. */
  readonly untracked: number;
}

/** Sessions followed at most; beyond it the oldest is no longer followed (and counted as untracked). */
export const MAX_TRACKED_SESSIONS = 100_000;

/**
 * How long a ticket gone before its expiry waits for another instance's "ended here" message
 * (real ms) before it counts as evicted. The message follows the other instance's answer, so a
 * sweep in between must not call that LogOut an expiry.
 */
export const END_MESSAGE_GRACE_MS = 10_000;

const zero = (): LeakCounts => ({
  loggedOut: 0,
  expiredWithoutLogout: 0,
  evictedWithoutLogout: 0,
  endedByAdmin: 0,
  open: 0,
  openIdle: 0,
});

const FIELD: Record<EndReason, keyof LeakCounts> = {
  logout: 'loggedOut',
  expired: 'expiredWithoutLogout',
  evicted: 'evictedWithoutLogout',
  admin: 'endedByAdmin',
};

/**
 * The key a client's ends are counted under, made once per client object: the calls of a
 * connection share one (sessionClient.ts), and one string, hashed once, is cheap to look up again
 * where a fresh one is hashed in full (user agents are long). A client never changes.
 */
function clientKey(client: SessionClient): string {
  let key = clientKeys.get(client);
  if (key === undefined) {
    key = `${client.userAgent}\u0000${client.address}`;
    clientKeys.set(client, key);
  }
  return key;
}

const clientKeys = new WeakMap<SessionClient, string>();

/** Users of ended sessions remembered for {@link SessionRegistry.userOf}. */
const ENDED_USERS_KEPT = 1024;

/**
 * The oldest key of a Map that drops its oldest entry as it grows, in O(1) amortised.
 * `map.keys().next()` walks past every entry deleted before the first live one, and such a map
 * keeps tens of thousands of them at its front between compactions (~100 µs a call at
 * MAX_TRACKED_SESSIONS, on every sign-in once full): one iterator kept across calls passes each
 * only once. Every key it hands out must be deleted at once (so all before it are gone), and it
 * is let go whenever no eviction is due, so that it never holds on to tables the map outgrew.
 */
class OldestKey {
  private keys: Iterator<string> | undefined;

  constructor(private readonly map: Map<string, unknown>) {}

  /** The oldest key, which the caller deletes now. */
  take(): string | undefined {
    let step = (this.keys ??= this.map.keys()).next();
    // A finished iterator stays finished: entries set since are reached by a new one.
    if (step.done) step = (this.keys = this.map.keys()).next();
    return step.done ? undefined : step.value;
  }

  /** No eviction due: nothing to keep. */
  release(): void {
    this.keys = undefined;
  }
}

/**
 * The sessions this instance opened, followed from issue to end: who opened them, when they were
 * last used, and how they ended. An expiry is noticed when the registry next looks at the store
 * (a listing, a report, a metrics scrape, the shutdown). Knows nothing of HTTP.
 */
export class SessionRegistry {
  private readonly open = new Map<string, Tracked>();
  /**
   * The followed tickets by their hash, made on the first look-up by hash and kept from then on:
   * a single instance asks only from the admin API (rare), and keeping it would cost every
   * sign-in and LogOut a look-up in another large map. Instances sharing a store ask on every
   * LogOut elsewhere, so it must not be a scan per call.
   */
  private byHash: Map<string, string> | undefined;
  private endedByClient = new Map<string, { client: SessionClient; counts: LeakCounts }>();
  private endedByUser = new Map<string, LeakCounts>();
  private untracked = 0;
  /** The users of recently ended sessions, so a call right after the end (a LogOut's own journal entry, a [901]) still names its user. */
  private readonly endedUsers = new Map<string, string>();
  private readonly oldestOpen = new OldestKey(this.open);
  private readonly oldestEnded = new OldestKey(this.endedUsers);

  constructor(
    private readonly onEnded: (reason: EndReason, session: EndedSession) => void = () => undefined,
    /** The ticket lifetime: a ticket lives at least this long after its last use seen here. */
    private readonly ticketTtlMs = Infinity,
  ) {}

  opened(ticket: string, userKey: string, operation: string, client: SessionClient, at: number): void {
    if (this.open.has(ticket)) return this.used(ticket, at);
    if (this.open.size >= MAX_TRACKED_SESSIONS) {
      this.forget(this.open.get(this.oldestOpen.take() as string) as Tracked);
      this.untracked++;
    } else {
      this.oldestOpen.release();
    }
    const hash = ticketHash(ticket);
    this.open.set(ticket, { ticket, hash, userKey, issuedAt: at, lastUsedAt: at, operation, client });
    this.byHash?.set(hash, ticket);
  }

  used(ticket: string, at: number): void {
    const session = this.open.get(ticket);
    if (session) session.lastUsedAt = at;
  }

  /** The session ended; the metric counts every end, followed or not. */
  ended(ticket: string, reason: EndReason, userKey?: string): void {
    const session = this.open.get(ticket);
    this.onEnded(reason, { ticket, userKey: session?.userKey ?? userKey });
    if (!session) return;
    this.forget(session);
    this.endedUsers.set(ticket, session.userKey);
    if (this.endedUsers.size > ENDED_USERS_KEPT) this.endedUsers.delete(this.oldestEnded.take() as string);
    const field = FIELD[reason];
    const key = clientKey(session.client);
    let client = this.endedByClient.get(key);
    if (!client) {
      client = { client: session.client, counts: zero() };
      this.endedByClient.set(key, client);
    }
    client.counts[field]++;
    let user = this.endedByUser.get(session.userKey);
    if (!user) {
      user = zero();
      this.endedByUser.set(session.userKey, user);
    }
    user[field]++;
  }

  /** The ticket of a followed session named by its ticket or its short hash. */
  resolve(ticketOrHash: string): string | undefined {
    if (this.open.has(ticketOrHash)) return ticketOrHash;
    const hash = ticketOrHash.replace(/^#/, '').toLowerCase();
    // An unfollowed ticket (endSession takes one) must not make the index.
    if (hash.length !== TICKET_HASH_LENGTH) return undefined;
    if (!this.byHash) {
      // In the order opened: on a clash of hashes (48 bits) the newest wins, as when kept all along.
      this.byHash = new Map();
      for (const session of this.open.values()) this.byHash.set(session.hash, session.ticket);
    }
    return this.byHash.get(hash);
  }

  userOf(ticket: string): string | undefined {
    return this.open.get(ticket)?.userKey ?? this.endedUsers.get(ticket);
  }

  /**
   * Looks at the store for every followed session. A dead one whose expiry has come ended by
   * expiry (a LogOut, eviction or admin end here would have been told already); one gone sooner
   * ended on another instance or was evicted by Redis: it waits {@link END_MESSAGE_GRACE_MS} for
   * the other instance's message, then counts as evicted. Returns the live ones with their expiry.
   */
  async sweep(
    peek: (ticket: string) => Promise<TicketInfo | undefined>,
    now: number,
    realNow = Date.now(),
  ): Promise<SessionView[]> {
    const live: SessionView[] = [];
    for (const session of [...this.open.values()]) {
      const info = await peek(session.ticket);
      if (!this.open.has(session.ticket)) continue; // ended meanwhile, by someone else
      if (!info) {
        if (now >= session.lastUsedAt + this.ticketTtlMs) this.ended(session.ticket, 'expired');
        else if (session.vanishedAt === undefined) session.vanishedAt = realNow;
        else if (realNow - session.vanishedAt >= END_MESSAGE_GRACE_MS) this.ended(session.ticket, 'evicted');
        continue;
      }
      session.vanishedAt = undefined;
      live.push({
        user: session.userKey,
        ticketHash: session.hash,
        issued: iso(session.issuedAt),
        lastUsed: iso(session.lastUsedAt),
        expires: iso(info.expiresAt),
        operation: session.operation,
        client: session.client,
      });
    }
    return live;
  }

  /** The leak report, from what the last sweep left open. */
  report(now: number, idleThresholdMs: number): LeakReport {
    const clients = new Map<string, { client: SessionClient; counts: LeakCounts }>();
    for (const [key, entry] of this.endedByClient)
      clients.set(key, { client: entry.client, counts: { ...entry.counts } });
    const users = new Map<string, LeakCounts>();
    for (const [key, counts] of this.endedByUser) users.set(key, { ...counts });
    for (const session of this.open.values()) {
      if (session.vanishedAt !== undefined) continue; // ended; how, the next sweeps tell
      const key = clientKey(session.client);
      const client = clients.get(key) ?? { client: session.client, counts: zero() };
      clients.set(key, client);
      const user = users.get(session.userKey) ?? zero();
      users.set(session.userKey, user);
      const idle = now - session.lastUsedAt > idleThresholdMs;
      for (const counts of [client.counts, user]) {
        counts.open++;
        if (idle) counts.openIdle++;
      }
    }
    const totals = zero();
    for (const { counts } of clients.values()) {
      for (const field of Object.keys(totals) as (keyof LeakCounts)[]) totals[field] += counts[field];
    }
    return {
      idleThresholdMs,
      totals,
      byClient: [...clients.values()].map(({ client, counts }) => ({ client, ...counts })),
      byUser: [...users].map(([user, counts]) => ({ user, ...counts })),
      untracked: this.untracked,
    };
  }

  /** Forgets every session and count (the admin reset). */
  reset(): void {
    this.open.clear();
    this.byHash = undefined;
    this.endedUsers.clear();
    this.oldestOpen.release();
    this.oldestEnded.release();
    this.endedByClient = new Map();
    this.endedByUser = new Map();
    this.untracked = 0;
  }

  private forget(session: Tracked): void {
    this.open.delete(session.ticket);
    this.byHash?.delete(session.hash);
  }
}

function iso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
