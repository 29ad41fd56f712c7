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

/** An entry as recorded: its time kept as epoch ms, written out as text only when asked for. */
export type RecordedEntry = Omit<JournalEntry, 'time'> & { readonly timeMs: number };

/** The last `capacity` calls, oldest first; a ring, so recording costs the same at any size. */
export class Journal {
  private readonly entries: (RecordedEntry | undefined)[];
  private next = 0;
  private seq = 0;

  constructor(readonly capacity: number) {
    this.entries = new Array<RecordedEntry | undefined>(capacity);
  }

  /** Whether it keeps anything (JOURNAL_SIZE=0 turns it off). */
  get enabled(): boolean {
    return this.capacity > 0;
  }

  nextSeq(): number {
    return ++this.seq;
  }

  add(entry: RecordedEntry): void {
    if (this.capacity === 0) return;
    this.entries[this.next] = entry;
    this.next = (this.next + 1) % this.capacity;
  }

  clear(): void {
    this.entries.fill(undefined);
    this.next = 0;
  }

  /** The calls that pass the filter, oldest first. */
  query(filter: JournalFilter = {}): JournalEntry[] {
    const out: JournalEntry[] = [];
    for (let i = 0; i < this.capacity; i++) {
      const entry = this.entries[(this.next + i) % this.capacity];
      if (entry && passes(entry, filter)) {
        const { timeMs, ...rest } = entry;
        out.push({ ...rest, time: new Date(timeMs).toISOString() });
      }
    }
    return out;
  }

  count(filter: JournalFilter = {}): number {
    return this.query(filter).length;
  }
}

function passes(entry: RecordedEntry, filter: JournalFilter): boolean {
  return (
    (filter.operation === undefined || entry.operation === filter.operation) &&
    (filter.outcome === undefined || entry.outcome === filter.outcome) &&
    (filter.service === undefined || entry.service.toLowerCase() === filter.service.toLowerCase()) &&
    (filter.transport === undefined || entry.transport === filter.transport) &&
    (filter.user === undefined || (entry.user ?? '').toLowerCase() === filter.user.toLowerCase()) &&
    (filter.since === undefined || entry.timeMs >= filter.since)
  );
}
