/**
 * The switch-over report's counts: every operation call this instance answered, forwarded or
 * shadowed, by client (user agent + address), service, operation, transport and who answered it
 * (built-in, handler, stub, forwarded, not implemented), with first and last seen on the
 * emulator's clock. Bounded: at most `capacity` rows; a call that would need a row beyond them is
 * counted as dropped, never stored. Read by `/_emulator/usage` and `asmx-emulator report`.
 */
import type { IncomingMessage } from 'node:http';
import type { Clock } from '../clock';
import type { AnsweredBy } from '../services/invoke';

/** Rows kept at most by default (one per client, service, operation, transport and answerer). */
export const USAGE_ROWS_KEPT = 10_000;
/** Longer user agents are cut to this many characters (bounds a row's size). */
const MAX_USER_AGENT = 256;

/** The answerers whose calls would fail without the upstream. */
export const UPSTREAM_ANSWERS: readonly AnsweredBy[] = ['forwarded', 'not-implemented'];

export interface UsageClient {
  readonly userAgent: string;
  readonly address: string;
}

/** One call as the HTTP layer reports it, once answered. */
export interface UsageCall {
  readonly client: UsageClient;
  readonly service: string;
  readonly operation: string;
  readonly transport: string;
  readonly answeredBy: AnsweredBy;
  /** A copy went to the shadow upstream (SHADOW_UPSTREAM_URL). */
  readonly shadowed: boolean;
  /** When it was answered, on the book's clock, if the caller has read it already. */
  readonly at?: number | undefined;
}

export interface UsageRow {
  readonly client: UsageClient;
  readonly service: string;
  readonly operation: string;
  readonly transport: string;
  readonly answeredBy: AnsweredBy;
  readonly calls: number;
  /** Of those, copied to the shadow upstream. */
  readonly shadowed: number;
  /** ISO-8601, on the emulator's clock (moved by `/_emulator/clock`). */
  readonly firstSeen: string;
  readonly lastSeen: string;
}

/** An operation some call of which was forwarded or not implemented. */
export interface UpstreamDependency {
  readonly service: string;
  readonly operation: string;
  /** The calls of the operation, by who answered them (every answerer seen, not only the upstream's). */
  readonly answeredBy: Readonly<Partial<Record<AnsweredBy, number>>>;
  /** Calls forwarded or not implemented. */
  readonly calls: number;
  /** Clients that made those calls. */
  readonly clients: number;
  readonly firstSeen: string;
  readonly lastSeen: string;
}

/** A client that made calls answered by forwarding, or not implemented: it breaks without the upstream. */
export interface BreakingClient {
  readonly client: UsageClient;
  /** `service` + `operation` of those calls, sorted. */
  readonly operations: readonly { readonly service: string; readonly operation: string }[];
  readonly calls: number;
  readonly firstSeen: string;
  readonly lastSeen: string;
}

export interface UsageView {
  readonly instance: string;
  readonly scope: 'instance';
  readonly note: string;
  /** When counting began (start, or the last clear), and now, on the emulator's clock. */
  readonly since: string;
  readonly now: string;
  readonly capacity: number;
  readonly rowCount: number;
  /** Calls not counted because every row was taken: when non-zero, the report is incomplete. */
  readonly droppedCalls: number;
  readonly totals: {
    readonly calls: number;
    readonly shadowed: number;
    readonly answeredBy: Readonly<Partial<Record<AnsweredBy, number>>>;
  };
  /** True when no call counted was forwarded or not implemented (and none was dropped). */
  readonly upstreamNeeded: boolean;
  readonly dependsOnUpstream: readonly UpstreamDependency[];
  readonly wouldBreak: readonly BreakingClient[];
  readonly rows: readonly UsageRow[];
}

/** The last client seen on each connection, with the headers it was made of. */
const lastClient = new WeakMap<
  object,
  {
    readonly userAgent: string | undefined;
    readonly forwarded: string | string[] | undefined;
    readonly trustProxy: boolean;
    readonly client: UsageClient;
  }
>();

/**
 * The client of a request: its user agent and address (behind a trusted proxy, the first
 * X-Forwarded-For). The calls of a keep-alive connection with the same headers share one object,
 * which {@link UsageBook.record} finds its rows by.
 */
export function usageClient(req: IncomingMessage, trustProxy: boolean): UsageClient {
  const userAgent = req.headers['user-agent'];
  const forwarded = trustProxy ? req.headers['x-forwarded-for'] : undefined;
  const socket = req.socket;
  const last = lastClient.get(socket);
  if (
    last !== undefined &&
    last.userAgent === userAgent &&
    last.forwarded === forwarded &&
    last.trustProxy === trustProxy
  ) {
    return last.client;
  }
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
  const client = { userAgent: userAgent ?? '', address: first || (socket.remoteAddress ?? '') };
  lastClient.set(socket, { userAgent, forwarded, trustProxy, client });
  return client;
}

interface MutableRow {
  readonly client: UsageClient;
  readonly service: string;
  readonly operation: string;
  readonly transport: string;
  readonly answeredBy: AnsweredBy;
  calls: number;
  shadowed: number;
  firstSeen: number;
  lastSeen: number;
}

/** The rows one client object counted in: the last one, and all by operation. */
interface ClientRows {
  last: MutableRow;
  readonly byOperation: Map<string, MutableRow[]>;
}

/** Whether a row of the call's client counts the call (its client is known to match). */
const isRowOf = (row: MutableRow, call: UsageCall) =>
  row.operation === call.operation &&
  row.service === call.service &&
  row.transport === call.transport &&
  row.answeredBy === call.answeredBy;

/** Who answered, in the order of precedence (then nobody): the order counts are listed in. */
const ANSWER_ORDER: readonly AnsweredBy[] = ['built-in', 'handler', 'stub', 'forwarded', 'not-implemented'];

function inOrder(counts: Partial<Record<AnsweredBy, number>>): Partial<Record<AnsweredBy, number>> {
  const ordered: Partial<Record<AnsweredBy, number>> = {};
  for (const by of ANSWER_ORDER) if (counts[by] !== undefined) ordered[by] = counts[by];
  return ordered;
}

const iso = (epochMs: number) => new Date(epochMs).toISOString();
const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export class UsageBook {
  private readonly rows = new Map<string, MutableRow>();
  /** The rows each client object counted in: a repeat call composes no key. */
  private rowsOf = new WeakMap<UsageClient, ClientRows>();
  private dropped = 0;
  private since: number;

  constructor(
    private readonly clock: Clock,
    readonly instance: string,
    readonly capacity: number = USAGE_ROWS_KEPT,
  ) {
    this.since = clock.now();
  }

  /** Counts one call. Never throws for a full book: the call is counted as dropped. */
  record(call: UsageCall): void {
    const now = call.at ?? this.clock.now();
    let rows = this.rowsOf.get(call.client);
    let row = rows?.last;
    if (row === undefined || !isRowOf(row, call)) {
      row = rows?.byOperation.get(call.operation)?.find((candidate) => isRowOf(candidate, call));
      if (row === undefined) {
        row = this.rowFor(call, now);
        if (row === undefined) {
          this.dropped++;
          return;
        }
        if (rows === undefined) {
          rows = { last: row, byOperation: new Map() };
          this.rowsOf.set(call.client, rows);
        }
        const same = rows.byOperation.get(call.operation);
        if (same === undefined) rows.byOperation.set(call.operation, [row]);
        else same.push(row);
      }
      (rows as ClientRows).last = row;
    }
    row.calls++;
    if (call.shadowed) row.shadowed++;
    // The emulator's clock may be moved back (time travel): first and last stay the extremes.
    if (now < row.firstSeen) row.firstSeen = now;
    if (now > row.lastSeen) row.lastSeen = now;
  }

  /** The call's row, found by its whole key or added; undefined when the book is full. */
  private rowFor(call: UsageCall, now: number): MutableRow | undefined {
    const userAgent = call.client.userAgent.slice(0, MAX_USER_AGENT);
    const address = call.client.address;
    const key = [userAgent, address, call.service, call.operation, call.transport, call.answeredBy].join(
      '\u0000',
    );
    let row = this.rows.get(key);
    if (!row) {
      if (this.rows.size >= this.capacity) return undefined;
      row = {
        client: { userAgent, address },
        service: call.service,
        operation: call.operation,
        transport: call.transport,
        answeredBy: call.answeredBy,
        calls: 0,
        shadowed: 0,
        firstSeen: now,
        lastSeen: now,
      };
      this.rows.set(key, row);
    }
    return row;
  }

  /** Forgets every row and the dropped count; counting starts again now. */
  clear(): void {
    this.rows.clear();
    this.rowsOf = new WeakMap();
    this.dropped = 0;
    this.since = this.clock.now();
  }

  view(): UsageView {
    const rows = [...this.rows.values()].sort(
      (a, b) =>
        compareText(a.service, b.service) ||
        compareText(a.operation, b.operation) ||
        compareText(a.transport, b.transport) ||
        compareText(a.client.userAgent, b.client.userAgent) ||
        compareText(a.client.address, b.client.address) ||
        compareText(a.answeredBy, b.answeredBy),
    );
    const answeredBy: Partial<Record<AnsweredBy, number>> = {};
    let calls = 0;
    let shadowed = 0;
    for (const row of rows) {
      calls += row.calls;
      shadowed += row.shadowed;
      answeredBy[row.answeredBy] = (answeredBy[row.answeredBy] ?? 0) + row.calls;
    }
    const dependsOnUpstream = dependencies(rows);
    return {
      instance: this.instance,
      scope: 'instance',
      note: 'the calls this instance answered since it started (or the last clear); other instances keep their own',
      since: iso(this.since),
      now: iso(this.clock.now()),
      capacity: this.capacity,
      rowCount: rows.length,
      droppedCalls: this.dropped,
      totals: { calls, shadowed, answeredBy: inOrder(answeredBy) },
      upstreamNeeded: dependsOnUpstream.length > 0 || this.dropped > 0,
      dependsOnUpstream,
      wouldBreak: breakingClients(rows),
      rows: rows.map((row) => ({ ...row, firstSeen: iso(row.firstSeen), lastSeen: iso(row.lastSeen) })),
    };
  }
}

const needsUpstream = (row: MutableRow) => UPSTREAM_ANSWERS.includes(row.answeredBy);
const clientKey = (client: UsageClient) => `${client.userAgent}\u0000${client.address}`;

function dependencies(rows: readonly MutableRow[]): UpstreamDependency[] {
  const byOperation = new Map<
    string,
    {
      service: string;
      operation: string;
      answeredBy: Partial<Record<AnsweredBy, number>>;
      calls: number;
      clients: Set<string>;
      first: number;
      last: number;
    }
  >();
  for (const row of rows) {
    const key = `${row.service}\u0000${row.operation}`;
    let entry = byOperation.get(key);
    if (!entry) {
      entry = {
        service: row.service,
        operation: row.operation,
        answeredBy: {},
        calls: 0,
        clients: new Set(),
        first: Infinity,
        last: -Infinity,
      };
      byOperation.set(key, entry);
    }
    entry.answeredBy[row.answeredBy] = (entry.answeredBy[row.answeredBy] ?? 0) + row.calls;
    if (!needsUpstream(row)) continue;
    entry.calls += row.calls;
    entry.clients.add(clientKey(row.client));
    entry.first = Math.min(entry.first, row.firstSeen);
    entry.last = Math.max(entry.last, row.lastSeen);
  }
  return [...byOperation.values()]
    .filter((entry) => entry.calls > 0)
    .map((entry) => ({
      service: entry.service,
      operation: entry.operation,
      answeredBy: inOrder(entry.answeredBy),
      calls: entry.calls,
      clients: entry.clients.size,
      firstSeen: iso(entry.first),
      lastSeen: iso(entry.last),
    }));
}

function breakingClients(rows: readonly MutableRow[]): BreakingClient[] {
  const byClient = new Map<
    string,
    {
      client: UsageClient;
      operations: Map<string, { service: string; operation: string }>;
      calls: number;
      first: number;
      last: number;
    }
  >();
  for (const row of rows) {
    if (!needsUpstream(row)) continue;
    const key = clientKey(row.client);
    let entry = byClient.get(key);
    if (!entry) {
      entry = { client: row.client, operations: new Map(), calls: 0, first: Infinity, last: -Infinity };
      byClient.set(key, entry);
    }
    entry.operations.set(`${row.service}\u0000${row.operation}`, {
      service: row.service,
      operation: row.operation,
    });
    entry.calls += row.calls;
    entry.first = Math.min(entry.first, row.firstSeen);
    entry.last = Math.max(entry.last, row.lastSeen);
  }
  return [...byClient.entries()]
    .sort(([a], [b]) => compareText(a, b))
    .map(([, entry]) => ({
      client: entry.client,
      operations: [...entry.operations.entries()]
        .sort(([a], [b]) => compareText(a, b))
        .map(([, operation]) => operation),
      calls: entry.calls,
      firstSeen: iso(entry.first),
      lastSeen: iso(entry.last),
    }));
}
