/** What a store knows about a live ticket. */
export interface TicketInfo {
  /** The canonical (lower-case) user name the ticket was issued to. */
  readonly userKey: string;
  /** When the ticket dies unless it is used again, epoch ms. */
  readonly expiresAt: number;
}

export interface IssuedTicket {
  readonly ticket: string;
  readonly expiresAt: number;
}

/**
 * The one source of truth for tickets, shared by every transport.
 * Implementations: the in-memory LRU (default) and Redis (several instances).
 * A method that cannot reach its backing store rejects with {@link StoreUnavailableError};
 * it never reports a ticket as logged out, valid or invalid when it does not know.
 */
export interface TicketStore {
  /** Issues a new random ticket for the user with a full expiry window. */
  issue(userKey: string): Promise<IssuedTicket>;
  /**
   * Makes a ticket chosen by someone else live for the user with a full expiry window (the
   * SEED_TICKETS setting: test suites start with known tickets).
   */
  adopt(ticket: string, userKey: string): Promise<IssuedTicket>;
  /** Returns the live ticket and restarts its expiry window (sliding expiry); undefined when dead. */
  touch(ticket: string): Promise<TicketInfo | undefined>;
  /**
   * Optional: the same as {@link touch}, its answer given at once when the store knows it without
   * waiting (the memory store), else its promise. The ticket guard uses it, so that a guarded call
   * a stub or handler answers at once is answered in the turn its request arrived.
   */
  touchAtOnce?(ticket: string): TicketInfo | undefined | Promise<TicketInfo | undefined>;
  /** Returns the live ticket without changing anything; undefined when dead. */
  peek(ticket: string): Promise<TicketInfo | undefined>;
  /**
   * Removes the ticket atomically. Returns the user key only when this call removed a live
   * ticket; of concurrent revokes of one ticket exactly one gets it.
   */
  revoke(ticket: string): Promise<string | undefined>;
  /**
   * Optional: the same removal as {@link revoke}, with its answer given at once when the store
   * knows it without waiting (the memory store without a revocation log), else its promise.
   * LogOut uses it to answer in the turn its request arrived, with no promise to settle.
   */
  revokeAtOnce?(ticket: string): string | undefined | Promise<string | undefined>;
  /** Number of tickets held (may include expired ones not yet purged). */
  size(): Promise<number>;
  /** Resolves when the store can serve requests; rejects with {@link StoreUnavailableError} otherwise. */
  ping(): Promise<void>;
  /** Releases connections and timers; a store that persists writes its last state first. */
  close(): Promise<void>;
}

/**
 * The store took a command but gave no answer in time (a stalled Redis): the change may or may
 * not have been made, so the caller must not say either way.
 */
export class StoreOutcomeUnknownError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreOutcomeUnknownError';
  }
}

export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}
