import { newTicket } from './newTicket';
import type { Redis } from 'ioredis';
import type { Clock } from '../clock';
import { connectionOf, connectRedis, masters, type RedisTopology } from './redis/connect';
import { read, sendCommand, type RedisClient, type Sent } from './redis/send';
import { decodeTicket, encodeTicket, touchArguments } from './redis/clockedTickets';
import type { SharedControl, SharesControl } from '../admin/adminControl';
import type { SteerableClock } from '../admin/steerableClock';
import { clearPrefix, RedisControlPlane } from '../admin/redisShared';
import {
  StoreOutcomeUnknownError,
  StoreUnavailableError,
  type IssuedTicket,
  type TicketInfo,
  type TicketStore,
} from './TicketStore';

export interface RedisTicketStoreOptions {
  /** The one server (REDIS_URL); with Sentinel or Cluster, its credentials, TLS and database only. */
  readonly url: string;
  /** Sentinel: the sentinels and the name of the master they monitor. */
  readonly sentinels?: readonly { host: string; port: number }[];
  readonly sentinelName?: string;
  /** Cluster: some of its nodes; the client finds the others. */
  readonly clusterNodes?: readonly { host: string; port: number }[];
  /** Prefix of every key, so several services can share one Redis. */
  readonly keyPrefix: string;
  readonly ttlMs: number;
  /** A command that has no answer by then fails instead of waiting. */
  readonly commandTimeoutMs: number;
  /**
   * A new ticket or a LogOut is acknowledged only once this many replicas have it (WAIT), so a
   * failover cannot undo an acknowledged change; [904] when they do not confirm in time.
   */
  readonly waitReplicas?: number;
  readonly waitTimeoutMs?: number;
  readonly clock: Clock;
}

/** `GET` and `PTTL` of one key in one atomic round trip, for the passive check; the key is declared (Cluster). */
const PEEK_SCRIPT = "return {redis.call('GET', KEYS[1]), redis.call('PTTL', KEYS[1])}";

/** Keys examined per SCAN call, and the most time one count of the live tickets may take. */
const SCAN_COUNT = 1000;
const COUNT_DEADLINE_MS = 5000;

/** A client ioredis ended on its own is connected again after this long. */
const REVIVE_AFTER_MS = 200;

type WithPeek = { ticketPeek(key: string): Promise<[string | null, number]> };

/** The topology the options describe. */
function topologyOf(options: RedisTicketStoreOptions): RedisTopology {
  if (options.sentinels?.length) {
    return {
      kind: 'sentinel',
      sentinels: options.sentinels,
      name: options.sentinelName ?? '',
      url: options.url,
    };
  }
  if (options.clusterNodes?.length) return { kind: 'cluster', nodes: options.clusterNodes, url: options.url };
  return { kind: 'server', url: options.url };
}

/**
 * Tickets in Redis, one key per ticket with the sliding TTL: every instance of the emulator
 * sees the same tickets, and a LogOut on one holds on all before its answer leaves. There is no
 * near-cache: every call is one round trip, so no instance can answer from stale state. Works on
 * one server, on a master found through Sentinel, and on a Cluster (every command touches one key).
 *
 * Failures say what is known (see redis/send.ts): a command that never left is
 * {@link StoreUnavailableError} ("nothing was changed"); a write that left and got no answer is
 * {@link StoreOutcomeUnknownError} ("may have been made"); an error Redis answers is an internal
 * error unless it is a refusal for now. ioredis keeps reconnecting in the background and follows
 * failovers, so the store serves again as soon as Redis does.
 */
export class RedisTicketStore implements TicketStore, SharesControl {
  private readonly redis: RedisClient & WithPeek;
  private counting: Promise<number> | undefined;
  private closed = false;
  private revival: NodeJS.Timeout | undefined;
  private plane: RedisControlPlane | undefined;

  constructor(private readonly options: RedisTicketStoreOptions) {
    this.redis = connectRedis(topologyOf(options), options.commandTimeoutMs) as RedisClient & WithPeek;
    this.redis.defineCommand('ticketPeek', { numberOfKeys: 1, lua: PEEK_SCRIPT });
    // ioredis gives up for good on some paths it should retry (with Sentinel: a +switch-master
    // that arrives while it is reconnecting ends the connection, ioredis issue #1683's symptom,
    // "Connection is closed." ever after). A store that is not closed starts again.
    this.redis.on('end', () => {
      if (this.closed) return;
      clearTimeout(this.revival);
      this.revival = setTimeout(() => {
        if (!this.closed) this.redis.connect().catch(() => undefined);
      }, REVIVE_AFTER_MS);
      this.revival.unref();
    });
  }

  private key(ticket: string): string {
    return `${this.options.keyPrefix}ticket:${ticket}`;
  }

  async issue(userKey: string): Promise<IssuedTicket> {
    const ticket = newTicket();
    const expiresAt = this.options.clock.now() + this.options.ttlMs;
    // NX: a (practically impossible) collision must never hand one session's ticket to another.
    const stored = await this.write<string | null>('set', [
      this.key(ticket),
      encodeTicket(userKey, expiresAt),
      'PX',
      this.options.ttlMs,
      'NX',
    ]);
    if (stored !== 'OK') return this.issue(userKey);
    return { ticket, expiresAt };
  }

  async adopt(ticket: string, userKey: string): Promise<IssuedTicket> {
    const expiresAt = this.options.clock.now() + this.options.ttlMs;
    await this.write('set', [this.key(ticket), encodeTicket(userKey, expiresAt), 'PX', this.options.ttlMs]);
    return { ticket, expiresAt };
  }

  async touch(ticket: string): Promise<TicketInfo | undefined> {
    // One script reads, checks the stored instant against the emulator's "now" and restarts the
    // window, atomically (redis/clockedTickets.ts). Not replicated with WAIT: a renewal a
    // failover loses only brings the expiry back to the last one kept.
    const now = this.options.clock.now();
    const { value: userKey } = await sendCommand<string | null>(
      this.redis,
      'eval',
      touchArguments(this.key(ticket), now, this.options.ttlMs),
      'write',
    );
    return userKey === null ? undefined : { userKey, expiresAt: Math.round(now + this.options.ttlMs) };
  }

  async peek(ticket: string): Promise<TicketInfo | undefined> {
    // Alive while its stored instant is ahead of the emulator's clock (the PTTL: older values).
    const [value, remaining] = await read(() => this.redis.ticketPeek(this.key(ticket)));
    return decodeTicket(value, this.options.clock.now(), remaining);
  }

  async revoke(ticket: string): Promise<string | undefined> {
    // GETDEL is atomic: of concurrent LogOuts of one ticket, on any instance, exactly one gets it.
    // A [901] is confirmed like a success: the deletion that made the ticket absent may be
    // another call's, not replicated yet.
    // A ticket past its instant was already dead: removed all the same, and [901].
    const value = await this.write<string | null>('getdel', [this.key(ticket)]);
    return decodeTicket(value, this.options.clock.now())?.userKey;
  }

  /** Deletes every key of this emulator's prefix, and none other (`POST /_emulator/reset`). */
  async clear(): Promise<void> {
    await (this.plane ? this.plane.clear() : clearPrefix(this.redis, this.options.keyPrefix));
  }

  /**
   * The admin API's clock offset and faults, shared by every instance on this Redis under the
   * same prefix (admin/redisShared.ts); one subscriber connection, opened on the first call.
   */
  sharedControl(clock: SteerableClock): SharedControl {
    return (this.plane ??= new RedisControlPlane(this.redis, this.options.keyPrefix, clock));
  }

  /**
   * Tickets of this emulator's prefix, on every master: SCAN with MATCH, {@link SCAN_COUNT} keys
   * a call. It walks the whole keyspace of each master (MATCH filters after), in small steps that
   * never block Redis; one count at a time however many scrapes ask, and none longer than
   * {@link COUNT_DEADLINE_MS} (then no value). SCAN may return a key twice while Redis resizes
   * its table, so the figure can be a little high for a moment.
   */
  size(): Promise<number> {
    this.counting ??= this.count().finally(() => (this.counting = undefined));
    return this.counting;
  }

  async ping(): Promise<void> {
    const nodes = masters(this.redis);
    if (!nodes)
      throw new StoreUnavailableError('ticket store unreachable: some cluster slots have no master');
    await Promise.all(nodes.map((node) => read(() => node.ping())));
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.revival);
    if (this.options.sentinels?.length) {
      // QUIT would leave the subscriptions to the sentinels' +switch-master open (ioredis cleans
      // its failover detector up on disconnect only), reconnecting forever once they are gone.
      this.redis.disconnect();
      return;
    }
    try {
      await this.redis.quit();
    } catch {
      this.redis.disconnect();
    }
  }

  /**
   * A write, acknowledged once `waitReplicas` replicas confirm it: WAIT on the same connection
   * right after the reply (WAIT counts the writes of its own connection). Fewer confirmations in
   * time: the master has the change but a failover could still lose it, so the outcome is unknown.
   */
  private async write<T>(name: string, args: readonly (string | number)[]): Promise<T> {
    const sent: Sent<T> = await sendCommand<T>(this.redis, name, args, 'write');
    const wanted = this.options.waitReplicas ?? 0;
    if (wanted === 0) return sent.value;
    const connection = connectionOf(this.redis, sent.socket);
    const confirmed = connection
      ? await sendCommand<number>(
          connection,
          'wait',
          [wanted, this.options.waitTimeoutMs ?? 500],
          'write',
        ).then(
          (reply) => reply.value,
          () => 0,
        )
      : 0;
    if (confirmed < wanted) {
      throw new StoreOutcomeUnknownError(
        `${name} applied on the master, but ${confirmed} of ${wanted} replica(s) confirmed it in time`,
      );
    }
    return sent.value;
  }

  private async count(): Promise<number> {
    const nodes = masters(this.redis);
    if (!nodes)
      throw new StoreUnavailableError('ticket store unreachable: some cluster slots have no master');
    const deadline = Date.now() + COUNT_DEADLINE_MS;
    const pattern = `${this.options.keyPrefix.replace(/[*?[\]\\]/g, '\\$&')}ticket:*`;
    const counts = await Promise.all(
      nodes.map(async (node: Redis) => {
        let cursor = '0';
        let count = 0;
        do {
          if (Date.now() > deadline)
            throw new StoreUnavailableError('counting the live tickets took too long');
          const [next, keys] = await read(() => node.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT));
          cursor = next;
          count += keys.length;
        } while (cursor !== '0');
        return count;
      }),
    );
    return counts.reduce((sum, count) => sum + count, 0);
  }
}
