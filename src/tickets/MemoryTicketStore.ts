import { newTicket } from './newTicket';
import { LRUCache } from 'lru-cache';
import { DAY_MS, type Clock } from '../clock';
import { StoreUnavailableError, type IssuedTicket, type TicketInfo, type TicketStore } from './TicketStore';

/** Where a revocation is made durable before it is acknowledged (the revocation log). */
export interface RevocationRecorder {
  /** Resolves once the record is on disk; rejects (StoreUnavailableError) when it is not. */
  append(ticket: string): Promise<void>;
}

/**
 * The longest sliding window any configuration gives (TICKET_TTL_DAYS at most 3650): an expiry
 * beyond it, from now, can only come from a damaged snapshot.
 */
const LONGEST_WINDOW_MS = 3650 * DAY_MS;

/** `[ticket, userKey, expiresAt]`: one live ticket as persisted. */
export type SnapshotEntry = [ticket: string, userKey: string, expiresAt: number];

export interface MemoryTicketStoreOptions {
  /** Sliding expiry window in ms. */
  ttlMs: number;
  /** Bound on live tickets; beyond it the least recently used ticket is dropped. */
  maxTickets: number;
  clock: Clock;
  /** Called with the ticket when the bound drops it (not on expiry or LogOut). */
  onEvict?: (ticket: string) => void;
}

/** The answer of a revoke that finds nothing to revoke: shared, a settled promise never changes. */
const NOT_LIVE: Promise<string | undefined> = Promise.resolve(undefined);

/**
 * Tickets in an LRU: the key is the ticket, the value the user key. Expiry is lru-cache's own
 * TTL bookkeeping (two typed-array slots per entry), checked lazily on access: there is no
 * timer per ticket and none at all (`ttlResolution: 0` reads the clock on every check).
 */
export class MemoryTicketStore implements TicketStore {
  private readonly cache: LRUCache<string, string>;
  private readonly clock: Clock;
  private recorder: RevocationRecorder | undefined;
  /** Revoked (gone from the cache) and being recorded: ticket -> the recording's outcome. */
  private readonly recording = new Map<string, Promise<string>>();
  /**
   * Revoked, but the record failed: dead here, not yet durable. A retried LogOut records it
   * again (and succeeds); a durable snapshot (which lacks it) makes the entry unnecessary.
   */
  private readonly unrecorded = new Map<string, string>();

  constructor(options: MemoryTicketStoreOptions) {
    this.clock = options.clock;
    this.cache = new LRUCache<string, string>({
      // A size bound instead of `max`: `max` preallocates its slot arrays (1,000,000 slots cost
      // ~120 ms at start), a size bound grows them as tickets come. Each ticket counts 1.
      maxSize: options.maxTickets,
      sizeCalculation: () => 1,
      ttl: options.ttlMs,
      ttlResolution: 0,
      ttlAutopurge: false,
      updateAgeOnGet: false,
      allowStale: false,
      // lru-cache treats a start time of 0 as "no TTL", so the clock must be epoch-based.
      perf: { now: () => options.clock.now() },
      ...(options.onEvict
        ? { dispose: (_value, key, reason) => reason === 'evict' && options.onEvict?.(key) }
        : {}),
    });
  }

  async issue(userKey: string): Promise<IssuedTicket> {
    const ticket = newTicket();
    this.cache.set(ticket, userKey);
    return { ticket, expiresAt: this.clock.now() + this.cache.ttl };
  }

  async adopt(ticket: string, userKey: string): Promise<IssuedTicket> {
    this.unrecorded.delete(ticket);
    this.cache.set(ticket, userKey);
    return { ticket, expiresAt: this.clock.now() + this.cache.ttl };
  }

  async touch(ticket: string): Promise<TicketInfo | undefined> {
    return this.touchAtOnce(ticket);
  }

  touchAtOnce(ticket: string): TicketInfo | undefined {
    // get() also marks the ticket most recently used; updateAgeOnGet restarts its window.
    const userKey = this.cache.get(ticket, { updateAgeOnGet: true });
    return userKey === undefined ? undefined : this.info(ticket, userKey);
  }

  async peek(ticket: string): Promise<TicketInfo | undefined> {
    const userKey = this.cache.peek(ticket);
    return userKey === undefined ? undefined : this.info(ticket, userKey);
  }

  revoke(ticket: string): Promise<string | undefined> {
    let answer: string | undefined | Promise<string | undefined>;
    try {
      answer = this.revokeAtOnce(ticket);
    } catch (error) {
      return Promise.reject(error);
    }
    if (answer instanceof Promise) return answer;
    return answer === undefined ? NOT_LIVE : Promise.resolve(answer);
  }

  revokeAtOnce(ticket: string): string | undefined | Promise<string | undefined> {
    // A live ticket is the LogOut success path: its user at once, or, with the revocation log,
    // the promise of its record (no async function around it, whose promise would only wrap it).
    const userKey = this.takeLive(ticket);
    if (userKey !== undefined) return this.record(ticket, userKey);
    // Nobody is revoking it and no failed record waits for it: a [901], at once (the common case
    // of an unknown or repeated LogOut).
    if (this.recording.size === 0 && this.unrecorded.size === 0) return undefined;
    return this.revokeNotLive(ticket);
  }

  private takeLive(ticket: string): string | undefined {
    // peek() skips an expired-but-unpurged entry, which must not count as a logout.
    const userKey = this.cache.peek(ticket);
    // Dead at once (no request sees it valid again), acknowledged once recorded.
    if (userKey !== undefined) this.cache.delete(ticket);
    return userKey;
  }

  private async revokeNotLive(ticket: string): Promise<string | undefined> {
    // Being revoked by another call: answer [901] only once that revocation is durable; if its
    // record failed, this call takes the revocation over.
    for (let recording = this.recording.get(ticket); recording; recording = this.recording.get(ticket)) {
      await recording.catch(() => undefined);
      const userKey = this.takeLive(ticket);
      if (userKey !== undefined) return this.record(ticket, userKey);
    }
    const unrecordedKey = this.unrecorded.get(ticket);
    if (unrecordedKey === undefined) return undefined;
    this.unrecorded.delete(ticket);
    return this.record(ticket, unrecordedKey);
  }

  /** Makes revocations durable before they are acknowledged (the memory store's revocation log). */
  useRevocationLog(recorder: RevocationRecorder): void {
    this.recorder = recorder;
  }

  /**
   * Called at the instant a snapshot takes its view, which lacks every revocation made so far:
   * returns what to call once that snapshot is durable, to forget the failed records it covers.
   */
  coverUnrecorded(): () => void {
    const covered = [...this.unrecorded.keys()];
    return () => {
      for (const ticket of covered) this.unrecorded.delete(ticket);
    };
  }

  /** Removes tickets revoked since the snapshot was taken (the revocation log's replay). */
  forget(tickets: Iterable<string>): void {
    for (const ticket of tickets) this.cache.delete(ticket);
  }

  /** Drops every ticket (a restore that cannot be trusted). */
  clear(): void {
    this.cache.clear();
  }

  private record(ticket: string, userKey: string): string | Promise<string> {
    if (!this.recorder) return userKey;
    const recorded = this.recorder.append(ticket).then(
      () => userKey,
      (error: unknown) => {
        this.unrecorded.set(ticket, userKey);
        throw error instanceof StoreUnavailableError
          ? error
          : new StoreUnavailableError(`revocation not recorded: ${(error as Error).message}`, {
              cause: error,
            });
      },
    );
    const tracked: Promise<string> = recorded.finally(() => {
      if (this.recording.get(ticket) === tracked) this.recording.delete(ticket);
    });
    this.recording.set(ticket, tracked);
    return tracked;
  }

  async size(): Promise<number> {
    return this.cache.size;
  }

  async ping(): Promise<void> {
    // Always reachable: it lives in this process.
  }

  async close(): Promise<void> {
    // Nothing to release: no timers, no handles.
  }

  /** Live tickets from least to most recently used, with their expiry: what a snapshot holds. */
  *liveTickets(): Generator<SnapshotEntry> {
    const now = this.clock.now();
    for (const [ticket, userKey] of this.cache.rentries()) {
      if (ticket === undefined || userKey === undefined) continue;
      const remaining = this.cache.getRemainingTTL(ticket);
      if (remaining > 0) yield [ticket, userKey, now + remaining];
    }
  }

  /**
   * Restores tickets, given least recently used first so recency survives. An entry keeps its
   * expiry and, once used again, a full sliding window. Expired entries are dropped, and so are
   * entries whose expiry no configuration could give (not a positive integer, or further away
   * than the longest window), which would otherwise fail later as dates; an expiry further than
   * this store's window (a longer TICKET_TTL_DAYS before the restart, or the clock set back) is
   * cut to one window.
   */
  restore(entries: Iterable<SnapshotEntry>): number {
    return this.restoreCounting(entries).restored;
  }

  /** {@link restore}, also counting the entries dropped as impossible. */
  restoreCounting(entries: Iterable<readonly [ticket: string, userKey: string, expiresAt: unknown]>): {
    restored: number;
    impossible: number;
  } {
    const now = this.clock.now();
    const ttl = this.cache.ttl;
    let restored = 0;
    let impossible = 0;
    for (const [ticket, userKey, expiresAt] of entries) {
      if (
        typeof expiresAt !== 'number' ||
        !Number.isSafeInteger(expiresAt) ||
        expiresAt <= 0 ||
        expiresAt > now + LONGEST_WINDOW_MS
      ) {
        impossible++;
        continue;
      }
      if (expiresAt <= now) continue;
      this.cache.set(ticket, userKey, { start: Math.min(expiresAt, now + ttl) - ttl });
      restored++;
    }
    return { restored, impossible };
  }

  private info(ticket: string, userKey: string): TicketInfo {
    return { userKey, expiresAt: this.clock.now() + this.cache.getRemainingTTL(ticket) };
  }
}
