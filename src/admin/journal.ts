import type { RequestSummary } from '../observability/requestSummary';
import { ownCopy } from './ownCopy';
import { RedactionPlan, type KeptArguments } from './redactionPlan';
import type { SessionClient } from './sessionRegistry';
import { ticketHash } from './ticketHash';

/** One call as the journal keeps it: nothing secret (see redactArguments). */
export interface JournalEntry {
  /** Increasing per instance; tells order when the emulator's clock moves back. */
  readonly seq: number;
  /** The emulator's time of the call (ISO-8601). */
  readonly time: string;
  readonly service: string;
  readonly operation: string;
  readonly transport: string;
  readonly arguments: Record<string, unknown>;
  /** The user of the call: the ticket's user, or the user name it signed in with; null when none. */
  readonly user: string | null;
  /** The short hash of the ticket the call carried (parameter or cookie), null when none. */
  readonly ticketHash: string | null;
  /** `success`, a domain code (`E901`) or a protocol code (`P_SOAP_ACTION_UNKNOWN`). */
  readonly outcome: string;
  readonly status: number;
  readonly durationMs: number;
  readonly clientAddress: string;
  readonly userAgent: string;
  /** The injected fault the call met, when one did. */
  readonly fault: string | null;
}

export interface JournalFilter {
  readonly operation?: string;
  /** Case-insensitive, as user names match. */
  readonly user?: string;
  readonly outcome?: string;
  readonly service?: string;
  readonly transport?: string;
  /** Epoch ms of the emulator's clock: calls at or after it. */
  readonly since?: number;
}

/** A call as the journal is told of it. */
export interface JournalledCall extends RequestSummary {
  readonly client: SessionClient;
}

// The references each slot holds, at slot * REFS + one of these.
const SERVICE = 0;
const OPERATION = 1;
const TRANSPORT = 2;
const OUTCOME = 3;
const CLIENT = 4;
const USER = 5;
const ARGUMENTS = 6;
const FAULT = 7;
/** The carried ticket ('' when none or when only its hash may be kept). */
const TICKET = 8;
/** The ticket's short hash, when the ticket itself may not be kept. */
const TICKET_HASH = 9;
const REFS = 10;

/**
 * The last `capacity` calls, oldest first; a ring, so recording costs the same at any size.
 *
 * Kept in columns (numbers in typed arrays, the rest as references to what mostly outlives the
 * call anyway: the service, operation and outcome names, the connection's client object), so
 * recording a call allocates no entry: objects that live in the ring for its last thousand calls
 * are copied by young-generation collections and moved to the old generation. What the journal
 * shows (time as text, tickets hashed, arguments redacted, duration rounded) is made when it is
 * read.
 */
export class Journal {
  /** 0: an empty slot (seq starts at 1). */
  private readonly seqs: Float64Array;
  private readonly times: Float64Array;
  private readonly durations: Float64Array;
  private readonly statuses: Float64Array;
  private readonly refs: unknown[];
  private next = 0;
  private seq = 0;

  constructor(
    readonly capacity: number,
    /** What redacted arguments hide whatever the name (the trusted password). */
    private readonly secrets: ReadonlySet<string> = new Set(),
  ) {
    this.seqs = new Float64Array(capacity);
    this.times = new Float64Array(capacity);
    this.durations = new Float64Array(capacity);
    this.statuses = new Float64Array(capacity);
    this.refs = new Array<unknown>(capacity * REFS).fill(undefined);
  }

  /** Whether it keeps anything (JOURNAL_SIZE=0 turns it off). */
  get enabled(): boolean {
    return this.capacity > 0;
  }

  /**
   * Records one call. `ticket`: the one it carried ('' when none, or when only `hash` may be
   * kept); `args`: what {@link RedactionPlan.keep} kept of its arguments (undefined when none were
   * decoded).
   */
  add(
    call: JournalledCall,
    timeMs: number,
    user: string | undefined,
    ticket: string,
    args: KeptArguments | undefined,
    fault: string | undefined,
    hash?: string,
  ): void {
    if (this.capacity === 0) return;
    const slot = this.next;
    this.next = slot + 1 === this.capacity ? 0 : slot + 1;
    this.seqs[slot] = ++this.seq;
    this.times[slot] = timeMs;
    this.durations[slot] = call.durationMs;
    this.statuses[slot] = call.status;
    const refs = this.refs;
    const at = slot * REFS;
    refs[at + SERVICE] = call.service;
    refs[at + OPERATION] = call.operation;
    refs[at + TRANSPORT] = call.transport;
    refs[at + OUTCOME] = call.outcome;
    refs[at + CLIENT] = call.client;
    refs[at + USER] = user;
    refs[at + ARGUMENTS] = args;
    refs[at + FAULT] = fault;
    // A ticket is usually cut from the request (its URL or body): kept as it is, it would keep
    // the whole request.
    refs[at + TICKET] = ownCopy(ticket);
    refs[at + TICKET_HASH] = hash;
  }

  clear(): void {
    this.seqs.fill(0);
    this.refs.fill(undefined);
    this.next = 0;
  }

  /** The calls that pass the filter, oldest first. */
  query(filter: JournalFilter = {}): JournalEntry[] {
    const out: JournalEntry[] = [];
    for (let i = 0; i < this.capacity; i++) {
      const slot = (this.next + i) % this.capacity;
      if (this.seqs[slot] !== 0 && this.passes(slot, filter)) out.push(this.show(slot));
    }
    return out;
  }

  count(filter: JournalFilter = {}): number {
    let count = 0;
    for (let slot = 0; slot < this.capacity; slot++) {
      if (this.seqs[slot] !== 0 && this.passes(slot, filter)) count++;
    }
    return count;
  }

  private ref<T>(slot: number, field: number): T {
    return this.refs[slot * REFS + field] as T;
  }

  private show(slot: number): JournalEntry {
    const ticket = this.ref<string>(slot, TICKET);
    const args = this.ref<KeptArguments | undefined>(slot, ARGUMENTS);
    const user = this.ref<string | undefined>(slot, USER);
    const client = this.ref<SessionClient>(slot, CLIENT);
    return {
      seq: this.seqs[slot] as number,
      service: this.ref<string>(slot, SERVICE),
      operation: this.ref<string>(slot, OPERATION),
      transport: this.ref<string>(slot, TRANSPORT),
      arguments: args ? RedactionPlan.show(args, this.secrets, ticket) : {},
      user: user ? user.toLowerCase() : null,
      ticketHash: ticket ? ticketHash(ticket) : (this.ref<string | undefined>(slot, TICKET_HASH) ?? null),
      outcome: this.ref<string>(slot, OUTCOME),
      status: this.statuses[slot] as number,
      durationMs: Math.round((this.durations[slot] as number) * 100) / 100,
      clientAddress: client.address,
      userAgent: client.userAgent,
      fault: this.ref<string | undefined>(slot, FAULT) ?? null,
      // Last, where the answers always had it.
      time: new Date(this.times[slot] as number).toISOString(),
    };
  }

  private passes(slot: number, filter: JournalFilter): boolean {
    return (
      (filter.operation === undefined || this.ref<string>(slot, OPERATION) === filter.operation) &&
      (filter.outcome === undefined || this.ref<string>(slot, OUTCOME) === filter.outcome) &&
      (filter.service === undefined ||
        this.ref<string>(slot, SERVICE).toLowerCase() === filter.service.toLowerCase()) &&
      (filter.transport === undefined || this.ref<string>(slot, TRANSPORT) === filter.transport) &&
      (filter.user === undefined ||
        (this.ref<string | undefined>(slot, USER) ?? '').toLowerCase() === filter.user.toLowerCase()) &&
      (filter.since === undefined || (this.times[slot] as number) >= filter.since)
    );
  }
}
