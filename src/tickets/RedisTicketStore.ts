import { newTicket } from './newTicket';
import Redis, { type RedisOptions } from 'ioredis';
import type { Clock } from '../clock';
import { StoreUnavailableError, type IssuedTicket, type TicketInfo, type TicketStore } from './TicketStore';

export interface RedisTicketStoreOptions {
  readonly url: string;
  /** Prefix of every key, so several services can share one Redis. */
  readonly keyPrefix: string;
  readonly ttlMs: number;
  /** A command that has no answer by then fails instead of waiting. */
  readonly commandTimeoutMs: number;
  readonly clock: Clock;
}

/** `GET` and `PTTL` of one key in one atomic round trip, for the passive check. */
const PEEK_SCRIPT = "return {redis.call('GET', KEYS[1]), redis.call('PTTL', KEYS[1])}";

type RedisWithPeek = Redis & { ticketPeek(key: string): Promise<[string | null, number]> };

/**
 * Tickets in Redis, one key per ticket with the sliding TTL: every instance of the emulator
 * sees the same tickets, and a LogOut on one holds on all before its answer leaves. There is no
 * near-cache: every call is one round trip, so no instance can answer from stale state.
 *
 * While Redis is unreachable every call fails at once with {@link StoreUnavailableError} (no
 * offline queue, a command timeout), so nothing is reported that did not happen; ioredis keeps
 * reconnecting in the background and the store serves again as soon as Redis is back.
 */
export class RedisTicketStore implements TicketStore {
  private readonly redis: RedisWithPeek;

  constructor(private readonly options: RedisTicketStoreOptions) {
    const redisOptions: RedisOptions = {
      enableOfflineQueue: false,
      commandTimeout: options.commandTimeoutMs,
      connectTimeout: Math.max(options.commandTimeoutMs, 1000),
      maxRetriesPerRequest: 0,
      // Reconnect forever, backing off to one attempt a second.
      retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
      lazyConnect: false,
    };
    this.redis = new Redis(options.url, redisOptions) as RedisWithPeek;
    this.redis.defineCommand('ticketPeek', { numberOfKeys: 1, lua: PEEK_SCRIPT });
    // Connection errors surface as failed calls; the event only needs a listener so it is not fatal.
    this.redis.on('error', () => undefined);
  }

  private key(ticket: string): string {
    return `${this.options.keyPrefix}ticket:${ticket}`;
  }

  async issue(userKey: string): Promise<IssuedTicket> {
    const ticket = newTicket();
    // NX: a (practically impossible) collision must never hand one session's ticket to another.
    const stored = await this.call(() =>
      this.redis.set(this.key(ticket), userKey, 'PX', this.options.ttlMs, 'NX'),
    );
    if (stored !== 'OK') return this.issue(userKey);
    return { ticket, expiresAt: this.options.clock.now() + this.options.ttlMs };
  }

  async adopt(ticket: string, userKey: string): Promise<IssuedTicket> {
    await this.call(() => this.redis.set(this.key(ticket), userKey, 'PX', this.options.ttlMs));
    return { ticket, expiresAt: this.options.clock.now() + this.options.ttlMs };
  }

  async touch(ticket: string): Promise<TicketInfo | undefined> {
    // GETEX reads and restarts the window in one atomic round trip (Redis 6.2+).
    const userKey = await this.call(() => this.redis.getex(this.key(ticket), 'PX', this.options.ttlMs));
    return userKey === null
      ? undefined
      : { userKey, expiresAt: this.options.clock.now() + this.options.ttlMs };
  }

  async peek(ticket: string): Promise<TicketInfo | undefined> {
    const [userKey, remaining] = await this.call(() => this.redis.ticketPeek(this.key(ticket)));
    if (userKey === null || remaining <= 0) return undefined;
    return { userKey, expiresAt: this.options.clock.now() + remaining };
  }

  async revoke(ticket: string): Promise<string | undefined> {
    // GETDEL is atomic: of concurrent LogOuts of one ticket, on any instance, exactly one gets it.
    return (await this.call(() => this.redis.getdel(this.key(ticket)))) ?? undefined;
  }

  async size(): Promise<number> {
    return this.call(() => this.redis.dbsize());
  }

  async ping(): Promise<void> {
    await this.call(() => this.redis.ping());
  }

  async close(): Promise<void> {
    try {
      await this.redis.quit();
    } catch {
      this.redis.disconnect();
    }
  }

  private async call<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      throw new StoreUnavailableError(`ticket store unreachable: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
}
