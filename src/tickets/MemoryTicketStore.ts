import { newTicket } from './newTicket';
import { LRUCache } from 'lru-cache';
import type { Clock } from '../clock';
import type { IssuedTicket, TicketInfo, TicketStore } from './TicketStore';

/** `[ticket, userKey, expiresAt]`: one live ticket as persisted. */
export type SnapshotEntry = [ticket: string, userKey: string, expiresAt: number];

export interface MemoryTicketStoreOptions {
  /** Sliding expiry window in ms. */
  ttlMs: number;
  /** Bound on live tickets; beyond it the least recently used ticket is dropped. */
  maxTickets: number;
  clock: Clock;
  /** Called when the bound drops a live ticket (not on expiry or LogOut). */
  onEvict?: () => void;
}

/**
 * Tickets in an LRU: the key is the ticket, the value the user key. Expiry is lru-cache's own
 * TTL bookkeeping (two typed-array slots per entry), checked lazily on access: there is no
 * timer per ticket and none at all (`ttlResolution: 0` reads the clock on every check).
 */
export class MemoryTicketStore implements TicketStore {
  private readonly cache: LRUCache<string, string>;
  private readonly clock: Clock;

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
        ? { dispose: (_value, _key, reason) => reason === 'evict' && options.onEvict?.() }
        : {}),
    });
  }

  async issue(userKey: string): Promise<IssuedTicket> {
    const ticket = newTicket();
    this.cache.set(ticket, userKey);
    return { ticket, expiresAt: this.clock.now() + this.cache.ttl };
  }

  async adopt(ticket: string, userKey: string): Promise<IssuedTicket> {
    this.cache.set(ticket, userKey);
    return { ticket, expiresAt: this.clock.now() + this.cache.ttl };
  }

  async touch(ticket: string): Promise<TicketInfo | undefined> {
    // get() also marks the ticket most recently used; updateAgeOnGet restarts its window.
    const userKey = this.cache.get(ticket, { updateAgeOnGet: true });
    return userKey === undefined ? undefined : this.info(ticket, userKey);
  }

  async peek(ticket: string): Promise<TicketInfo | undefined> {
    const userKey = this.cache.peek(ticket);
    return userKey === undefined ? undefined : this.info(ticket, userKey);
  }

  async revoke(ticket: string): Promise<string | undefined> {
    // peek() skips an expired-but-unpurged entry, which must not count as a logout.
    const userKey = this.cache.peek(ticket);
    if (userKey !== undefined) this.cache.delete(ticket);
    return userKey;
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
   * expiry and, once used again, a full sliding window. Expired entries are dropped.
   */
  restore(entries: Iterable<SnapshotEntry>): number {
    const now = this.clock.now();
    const ttl = this.cache.ttl;
    let restored = 0;
    for (const [ticket, userKey, expiresAt] of entries) {
      if (expiresAt <= now) continue;
      this.cache.set(ticket, userKey, { start: expiresAt - ttl });
      restored++;
    }
    return restored;
  }

  private info(ticket: string, userKey: string): TicketInfo {
    return { userKey, expiresAt: this.clock.now() + this.cache.getRemainingTTL(ticket) };
  }
}
