import type { ArmedFault, FaultKind } from './faultBook';
import type { ClockView } from './adminControl';
import type { JournalEntry } from './journal';
import type { LeakReport, SessionView } from './sessionRegistry';

/** A fault to arm: `fault` and the call it matches (any by default); see the README. */
export interface FaultRequest {
  readonly fault: FaultKind;
  readonly operation?: string;
  readonly service?: string;
  readonly transport?: 'soap11' | 'soap12' | 'http-get' | 'http-post' | 'any';
  readonly times?: number;
  readonly latencyMs?: number;
  readonly message?: string;
}

/** A filter of the journal; `since` is a Date or an ISO-8601 time of the emulator's clock. */
export interface RequestQuery {
  readonly operation?: string;
  readonly user?: string;
  readonly outcome?: string;
  readonly service?: string;
  readonly transport?: string;
  readonly since?: Date | string;
}

export interface IssuedSession {
  readonly ticket: string;
  readonly ticketHash: string;
  readonly user: string;
  readonly expires: string;
}

/** An admin call that did not succeed: the status and the API's `error` text. */
export class EmulatorAdminError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'EmulatorAdminError';
  }
}

/**
 * A typed client of the admin API `/_emulator/` for test suites:
 *
 * ```ts
 * const admin = new EmulatorAdmin('http://127.0.0.1:8080');
 * await admin.advanceClock('P31D');
 * ```
 */
export class EmulatorAdmin {
  private readonly base: string;

  /** `origin`: where the emulator serves (with the prefix it is mounted under); `token`: its ADMIN_TOKEN. */
  constructor(
    origin: string,
    private readonly token?: string,
  ) {
    this.base = `${origin.replace(/\/+$/, '')}/_emulator`;
  }

  clock(): Promise<ClockView> {
    return this.call('GET', '/clock');
  }
  /** Moves the emulator's time by an ISO-8601 duration (`P30DT1H`). */
  advanceClock(duration: string): Promise<ClockView> {
    return this.call('POST', '/clock', { advance: duration });
  }
  setClock(time: Date | string): Promise<ClockView> {
    return this.call('POST', '/clock', { set: time instanceof Date ? time.toISOString() : time });
  }
  realTime(): Promise<ClockView> {
    return this.call('DELETE', '/clock');
  }

  armFault(fault: FaultRequest): Promise<ArmedFault> {
    return this.call('POST', '/faults', fault);
  }
  async faults(): Promise<ArmedFault[]> {
    return (await this.call<{ faults: ArmedFault[] }>('GET', '/faults')).faults;
  }
  /** Disarms one fault by id, or all of them. */
  async disarm(id?: string): Promise<void> {
    await this.call('DELETE', id === undefined ? '/faults' : `/faults/${encodeURIComponent(id)}`);
  }

  /** This instance's journal, oldest first. */
  async requests(query: RequestQuery = {}): Promise<JournalEntry[]> {
    return (await this.call<{ requests: JournalEntry[] }>('GET', `/requests${search(query)}`)).requests;
  }
  async countRequests(query: RequestQuery = {}): Promise<number> {
    return (await this.call<{ count: number }>('GET', `/requests/count${search(query)}`)).count;
  }
  async clearRequests(): Promise<void> {
    await this.call('DELETE', '/requests');
  }

  async sessions(): Promise<SessionView[]> {
    return (await this.call<{ sessions: SessionView[] }>('GET', '/sessions')).sessions;
  }
  /** Issues a ticket for a user, as a sign-in would. */
  issueSession(user: string): Promise<IssuedSession> {
    return this.call('POST', '/sessions', { user });
  }
  /** Ends a session (by ticket or its short hash) as an expiry would: no LogOut webhook. */
  async endSession(ticketOrHash: string): Promise<void> {
    await this.call('DELETE', `/sessions/${encodeURIComponent(ticketOrHash)}`);
  }
  /** The leak report; `idle` is the ISO-8601 threshold of "open and idle" (PT15M by default). */
  leakReport(idle?: string): Promise<LeakReport> {
    return this.call('GET', `/sessions/report${idle ? `?idle=${encodeURIComponent(idle)}` : ''}`);
  }

  /** Clears tickets, the journal, faults and the clock. */
  async reset(): Promise<void> {
    await this.call('POST', '/reset');
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new EmulatorAdminError(
        res.status,
        `not an admin API answer (${res.status}): ${text.slice(0, 200)}`,
      );
    }
    if (!res.ok)
      throw new EmulatorAdminError(
        res.status,
        (parsed as { error?: string }).error ?? `status ${res.status}`,
      );
    return parsed as T;
  }
}

function search(query: RequestQuery): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    params.set(name, value instanceof Date ? value.toISOString() : String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}
