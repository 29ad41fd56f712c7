import type { RequestSummary } from '../observability/requestSummary';
import os from 'node:os';
import type { OperationModel } from '../contract/model';
import type { CallRecord } from '../http/asmxHandler';
import type { Clock } from '../clock';
import type { TicketStore } from '../tickets/TicketStore';
import type { UserDirectory } from '../users/userDirectory';
import { MemoryFaultBook, type FaultInjector } from './faultBook';
import { addIsoDuration, parseIsoDuration } from './isoDuration';
import { Journal } from './journal';
import { ticketReference } from './redactArguments';
import { RedactionPlan } from './redactionPlan';
import { SessionRegistry, type EndedSession, type EndReason, type SessionClient } from './sessionRegistry';
import type { SteerableClock } from './steerableClock';
import { ticketHash } from './ticketHash';

/** One answered service request, as the HTTP layer reports it (no request object). */
export interface ObservedCall extends RequestSummary {
  readonly client: SessionClient;
  readonly call?: CallRecord | undefined;
  /** When it was answered, on the emulator's clock, if the caller has read it already. */
  readonly at?: number | undefined;
}

/** Where the clock offset lives when several instances share it (Redis); absent: this process. */
export interface SharedClockOffset {
  /** The offset every instance uses now. */
  load(): Promise<number>;
  /** Sets it for every instance. */
  save(offsetMs: number): Promise<void>;
}

/** What a store shared by several instances (Redis) shares of the control plane. */
export interface SharedControl {
  readonly clockOffset: SharedClockOffset;
  readonly faults: FaultInjector;
  /** Resolves once this instance has read the shared offset and faults (bounded; never rejects). */
  readonly synced: Promise<void>;
  /** Tells the other instances that a session ended here (by its short hash), so they do not count it expired. */
  announceEnd(ticketHash: string, reason: 'logout' | 'admin'): void;
  /** Set by AdminControl: another instance reset the emulator, clear this one's journal and sessions. */
  onReset: () => void;
  /** Set by AdminControl: a session ended on another instance. */
  onEnded: (ticketHash: string, reason: 'logout' | 'admin') => void;
  /** Stops listening to the other instances. */
  close(): void;
}

/** A store that shares the control plane: asked once, with the clock every instance moves together. */
export interface SharesControl {
  sharedControl(clock: SteerableClock): SharedControl;
}

/** The store's shared control plane, when it has one. */
export function sharedControlOf(store: TicketStore, clock: SteerableClock): SharedControl | undefined {
  const sharing = store as Partial<SharesControl>;
  return typeof sharing.sharedControl === 'function' ? sharing.sharedControl(clock) : undefined;
}

/** What following sessions needs: the store (to notice expiries), the clock, who is told of ends. */
export interface SessionBookOptions {
  readonly clock: Clock;
  readonly store: TicketStore;
  /** The ticket lifetime (TICKET_TTL_DAYS): a ticket gone sooner did not expire. */
  readonly ticketTtlMs?: number;
  /**
   * Told of every session end (LogOut, noticed expiry, eviction, admin end), for
   * `asmx_sessions_ended_total{reason}` and forward mode's upstream LogOut.
   */
  readonly onSessionEnded?: (reason: EndReason, session: EndedSession) => void;
}

export interface AdminControlOptions extends SessionBookOptions {
  readonly clock: SteerableClock;
  readonly users: UserDirectory;
  readonly trustedPassword: string;
  readonly journalSize: number;
  readonly faults?: FaultInjector;
  readonly sharedClock?: SharedClockOffset;
  /** A store shared by several instances (Redis): its clock offset, faults, resets and session ends. */
  readonly shared?: SharedControl;
}

export interface ClockView {
  readonly now: string;
  readonly offsetMs: number;
  /** True when the emulator's time is the base (real) time. */
  readonly real: boolean;
}

/** The admin API's failures, by the status they answer. */
export class AdminError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Parameters of the built-in sign-in operations holding the user name. */
const USER_PARAMETERS = ['UID', 'UserName'];
/** Parameters holding the ticket a call carries, besides any named authenticationTicket. */
const TICKET_PARAMETERS = /^(authenticationticket|oldticket)$/i;

/** What following and journalling an operation's calls needs of its parameters, found once. */
interface CallPlan {
  /** The parameter holding the ticket a call carries. */
  readonly ticketParameter: string | undefined;
  /** Those of USER_PARAMETERS it has, in their order. */
  readonly userParameters: readonly string[];
  readonly redaction: RedactionPlan;
}

const plans = new WeakMap<OperationModel, CallPlan>();
let lastOperation: OperationModel | undefined;
let lastPlan: CallPlan | undefined;

function planOf(operation: OperationModel): CallPlan {
  if (operation === lastOperation) return lastPlan as CallPlan;
  let plan = plans.get(operation);
  if (plan === undefined) {
    const names = operation.params.map((param) => param.name);
    const ticketParameter = names.find((name) => TICKET_PARAMETERS.test(name));
    plan = {
      ticketParameter,
      userParameters: USER_PARAMETERS.filter((name) => names.includes(name)),
      redaction: new RedactionPlan(names, ticketParameter),
    };
    plans.set(operation, plan);
  }
  lastOperation = operation;
  lastPlan = plan;
  return plan;
}

/**
 * The sessions this instance opened, followed from the calls it answers to their end: what
 * `asmx_sessions_ended_total`, forward mode's upstream LogOut and the shutdown summary need. It
 * runs with the control plane off too (ADMIN_API=off); {@link AdminControl} adds the journal,
 * faults, the clock and the reset on top.
 */
export class SessionBook {
  readonly sessions: SessionRegistry;
  /** An end another instance tells of was counted there (metrics, forward mode's upstream LogOut). */
  private toldByAnother = false;

  constructor(private readonly book: SessionBookOptions) {
    this.sessions = new SessionRegistry((...end) => {
      if (!this.toldByAnother) book.onSessionEnded?.(...end);
    }, book.ticketTtlMs);
  }

  /** Told of every answered service request. Must not throw (the caller guards it anyway). */
  record(observed: ObservedCall): void {
    const call = observed.call;
    if (observed.transport !== 'docs' && call) {
      const plan = planOf(call.operation);
      const now = observed.at ?? this.book.clock.now();
      this.follow(call, plan, carriedTicket(call, plan), observed.client, now);
    }
  }

  /**
   * The call's part in the sessions: a sign-in opens one, a call its ticket let through uses it.
   * Returns its user (the carried ticket's, or the one it signed in as), which the journal names.
   */
  protected follow(
    call: CallRecord,
    plan: CallPlan,
    carried: string,
    client: SessionClient,
    now: number,
  ): string | undefined {
    const userArgument = userOf(call.args, plan);
    let user = (carried && this.sessions.userOf(carried)) || userArgument;
    const outcome = call.outcome;
    if (outcome?.kind === 'value' && !call.fault) {
      if (outcome.issuedTicket) {
        const userKey = (userArgument ?? this.sessions.userOf(outcome.issuedTicket) ?? '').toLowerCase();
        this.sessions.opened(outcome.issuedTicket, userKey, call.operation.name, client, now);
        user ??= userKey;
      } else if (carried && outcome.code !== 'E901' && call.operation.name !== 'isValidTicket') {
        // A call its ticket let through slid that ticket's window (isValidTicket is passive).
        this.sessions.used(carried, now);
      }
    }
    return user;
  }

  /** A session another instance ended, and counted there: followed here, it ends without a count. */
  protected endedElsewhere(ticketOrHash: string, reason: EndReason): void {
    const ticket = this.sessions.resolve(ticketOrHash);
    if (ticket === undefined) return;
    this.toldByAnother = true;
    try {
      this.sessions.ended(ticket, reason);
    } finally {
      this.toldByAnother = false;
    }
  }

  /** A LogOut (any transport, or /logout) ended a ticket of `userKey`. */
  loggedOut(ticket: string, userKey?: string): void {
    this.sessions.ended(ticket, 'logout', userKey);
  }

  /** The memory store's bound dropped a ticket. */
  evicted(ticket: string): void {
    this.sessions.ended(ticket, 'evicted');
  }

  /** The live sessions; the ones found gone meanwhile end (an expiry is noticed here). */
  async listSessions() {
    return this.sessions.sweep((ticket) => this.book.store.peek(ticket), this.book.clock.now());
  }

  async leakReport(idleThresholdMs: number) {
    await this.listSessions();
    return this.sessions.report(this.book.clock.now(), idleThresholdMs);
  }
}

/**
 * The control plane tests steer: the clock, faults, the journal and the sessions, and the reset
 * of all of them. Knows nothing of HTTP (adminRoutes.ts serves it).
 */
export class AdminControl extends SessionBook {
  readonly clock: SteerableClock;
  readonly faults: FaultInjector;
  readonly journal: Journal;
  /** Names this instance in per-instance answers (the journal, sessions). */
  readonly instance = `${os.hostname()}:${process.pid}`;
  private readonly options: AdminControlOptions;
  private readonly secrets: ReadonlySet<string>;

  constructor(options: AdminControlOptions) {
    super(options);
    const shared = options.shared;
    this.options = shared ? { ...options, sharedClock: shared.clockOffset, faults: shared.faults } : options;
    this.clock = options.clock;
    this.faults = this.options.faults ?? new MemoryFaultBook();
    this.secrets = new Set([options.trustedPassword].filter(Boolean));
    this.journal = new Journal(options.journalSize, this.secrets);
    if (shared) {
      shared.onReset = () => this.forgetLocal();
      shared.onEnded = (hash, reason) => this.endedElsewhere(hash, reason);
    }
  }

  // ---- the clock

  async clockView(): Promise<ClockView> {
    if (this.options.sharedClock) this.clock.setOffset(await this.options.sharedClock.load());
    const offsetMs = this.clock.offsetMs();
    return { now: new Date(this.clock.now()).toISOString(), offsetMs, real: offsetMs === 0 };
  }

  /** Moves the clock by an ISO-8601 duration (`P30DT1H`); negative (`-P1D`) moves it back. */
  async advanceClock(duration: string): Promise<ClockView> {
    const parsed = parseIsoDuration(duration);
    if (!parsed)
      throw new AdminError(
        400,
        `"advance" must be an ISO-8601 duration such as P30DT1H, not ${JSON.stringify(duration)}`,
      );
    await this.clockView();
    return this.setOffset(this.clock.offsetFor(addIsoDuration(this.clock.now(), parsed)));
  }

  /** Sets the emulator's time (ISO-8601 with a zone, e.g. `2027-01-01T00:00:00Z`). */
  async setClock(time: string): Promise<ClockView> {
    const epochMs = /(Z|[+-]\d\d:?\d\d)$/i.test(time) ? Date.parse(time) : NaN;
    if (!Number.isFinite(epochMs)) {
      throw new AdminError(
        400,
        `"set" must be an ISO-8601 time with a zone such as 2027-01-01T00:00:00Z, not ${JSON.stringify(time)}`,
      );
    }
    return this.setOffset(this.clock.offsetFor(epochMs));
  }

  /** Back to real time. */
  async resetClock(): Promise<ClockView> {
    return this.setOffset(0);
  }

  private async setOffset(offsetMs: number): Promise<ClockView> {
    await this.options.sharedClock?.save(offsetMs);
    this.clock.setOffset(offsetMs);
    return this.clockView();
  }

  // ---- calls: the journal and the sessions they open, use and end

  override record(observed: ObservedCall): void {
    if (observed.transport === 'docs') return;
    const now = observed.at ?? this.clock.now();
    const call = observed.call;
    let carried = '';
    let user: string | undefined;
    let plan: CallPlan | undefined;
    if (call) {
      plan = planOf(call.operation);
      carried = carriedTicket(call, plan);
      user = this.follow(call, plan, carried, observed.client, now);
    }
    if (!this.journal.enabled) return;
    const args = call && plan ? plan.redaction.keep(call.args, this.secrets, carried) : undefined;
    // The ring keeps no secret: a ticket equal to one is kept as its hash.
    if (carried !== '' && this.secrets.has(carried)) {
      this.journal.add(observed, now, user, '', args, call?.fault, ticketHash(carried));
    } else {
      this.journal.add(observed, now, user, carried, args, call?.fault);
    }
  }

  override loggedOut(ticket: string, userKey?: string): void {
    super.loggedOut(ticket, userKey);
    this.options.shared?.announceEnd(ticketHash(ticket), 'logout');
  }

  // ---- sessions

  /**
   * Issues a ticket for a user, as a sign-in would (the only admin answer that holds a ticket:
   * the one the caller asked for).
   */
  async issueSession(userName: string, client: SessionClient) {
    const user = this.options.users.find(userName);
    if (!user) throw new AdminError(404, `no user ${JSON.stringify(userName)} in the users file`);
    const userKey = user.username.toLowerCase();
    const issued = await this.options.store.issue(userKey);
    this.sessions.opened(issued.ticket, userKey, 'admin', client, this.clock.now());
    return {
      ticket: issued.ticket,
      ticketHash: ticketHash(issued.ticket),
      user: userKey,
      expires: new Date(issued.expiresAt).toISOString(),
    };
  }

  /** Ends a live session (named by its ticket or short hash) as an expiry would: no LogOut webhook. */
  async endSession(ticketOrHash: string): Promise<{ ended: true; ticketHash: string }> {
    const ticket = this.sessions.resolve(ticketOrHash) ?? ticketOrHash;
    const userKey = ticket.length <= 64 ? await this.options.store.revoke(ticket) : undefined;
    if (userKey === undefined) throw new AdminError(404, `no live session ${ticketReference(ticket)}`);
    this.sessions.ended(ticket, 'admin', userKey);
    this.options.shared?.announceEnd(ticketHash(ticket), 'admin');
    return { ended: true, ticketHash: ticketHash(ticket) };
  }

  // ---- reset

  /** Another instance sharing the store was reset: clear what this one keeps for itself. */
  forgetLocal(): void {
    this.sessions.reset();
    this.journal.clear();
  }

  /**
   * Clears tickets (this emulator's only: on Redis, its key prefix), the journal, faults and the
   * clock; on Redis the other instances clear their journal and sessions too.
   */
  async reset(): Promise<void> {
    const store = this.options.store as TicketStore & { clear?: () => void | Promise<void> };
    if (typeof store.clear !== 'function') throw new AdminError(501, 'this ticket store cannot be cleared');
    await store.clear();
    this.sessions.reset();
    this.journal.clear();
    await this.faults.disarm();
    await this.resetClock();
  }
}

/** The ticket a call carried: its ticket parameter, or the `ticket` cookie when that is absent or empty. */
function carriedTicket(call: CallRecord, plan: CallPlan): string {
  const name = plan.ticketParameter;
  if (name === undefined) return '';
  const given = call.args[name];
  const ticket = typeof given === 'string' && given !== '' ? given : (call.cookieTicket ?? '');
  return ticket.length <= 64 ? ticket : '';
}

/** The user a sign-in names (arguments hold the operation's parameters only). */
function userOf(args: Readonly<Record<string, unknown>>, plan: CallPlan): string | undefined {
  const names = plan.userParameters;
  for (let i = 0; i < names.length; i++) {
    const value = args[names[i] as string];
    if (typeof value === 'string' && value !== '') return value.toLowerCase();
  }
  return undefined;
}
