/**
 * Forward mode's upstream tickets in the ticket store's Redis (STORE=redis), so every instance
 * sharing it signs a user in upstream once, and any of them can end that upstream ticket.
 *
 * One hash per user and service, under the emulator's key prefix:
 * `<prefix>upstream:<service path>:<user>` (e.g. `asmx:upstream:/srv.asmx:jsmith`), with the field
 * `ticket` (the upstream ticket) and one field `session:<emulator ticket>` per session that used
 * it. Its TTL is the emulator tickets' (TICKET_TTL_DAYS), restarted on every use: when every
 * session dies unnoticed, the key goes with them. Every change is one Lua script on one key
 * (atomic, and one slot on a Cluster); an admin reset deletes the keys with the rest of the prefix.
 *
 * The connection is the store's kind (tickets/redis/connect.ts, same topology and command
 * timeout), a second one of this module's own; failures read like the store's (redis/send.ts):
 * a Redis that cannot be reached answers a forwarded call [903], never a false [901].
 */
import type { Config } from '../config';
import { connectRedis, type RedisTopology } from '../tickets/redis/connect';
import { sendCommand, type RedisClient } from '../tickets/redis/send';
import type { UpstreamTicketBooks, UpstreamTicketUse, UpstreamTickets } from './upstreamTickets';

const SESSION = 'session:';

/** KEYS[1]; ARGV: session field, ttl. The ticket (restarting the TTL and noting the session), or nil. */
const USE_SCRIPT = `
local t = redis.call('HGET', KEYS[1], 'ticket')
if t then
  redis.call('HSET', KEYS[1], ARGV[1], '1')
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return t
`;

/** ARGV: session field, ttl, fresh, stale ('' for none). The ticket kept. */
const OFFER_SCRIPT = `
local t = redis.call('HGET', KEYS[1], 'ticket')
if (not t) or t == ARGV[4] then
  t = ARGV[3]
  redis.call('HSET', KEYS[1], 'ticket', t)
end
redis.call('HSET', KEYS[1], ARGV[1], '1')
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return t
`;

/** ARGV: session field. Nil without a ticket, else {ticket, the other session fields...}. */
const LEAVE_SCRIPT = `
redis.call('HDEL', KEYS[1], ARGV[1])
local t = redis.call('HGET', KEYS[1], 'ticket')
if not t then return nil end
local reply = {t}
for _, field in ipairs(redis.call('HKEYS', KEYS[1])) do
  if string.sub(field, 1, ${SESSION.length}) == '${SESSION}' then reply[#reply + 1] = field end
end
return reply
`;

/** ARGV: ticket, dead session fields... 1 when the key was deleted, else 0. */
const RELEASE_SCRIPT = `
for i = 2, #ARGV do redis.call('HDEL', KEYS[1], ARGV[i]) end
if redis.call('HGET', KEYS[1], 'ticket') ~= ARGV[1] then return 0 end
for _, field in ipairs(redis.call('HKEYS', KEYS[1])) do
  if string.sub(field, 1, ${SESSION.length}) == '${SESSION}' then return 0 end
end
redis.call('DEL', KEYS[1])
return 1
`;

export class RedisUpstreamTickets implements UpstreamTickets {
  constructor(
    private readonly client: RedisClient,
    /** `<prefix>upstream:<service path>:` */
    private readonly keyPrefix: string,
    private readonly ttlMs: number,
  ) {}

  async use(userKey: string, session: string): Promise<string | undefined> {
    const ticket = await this.eval<string | null>(USE_SCRIPT, userKey, [SESSION + session, this.ttlMs]);
    return ticket ?? undefined;
  }

  offer(userKey: string, session: string, fresh: string, stale?: string): Promise<string> {
    return this.eval<string>(OFFER_SCRIPT, userKey, [SESSION + session, this.ttlMs, fresh, stale ?? '']);
  }

  async leave(userKey: string, session: string): Promise<UpstreamTicketUse | undefined> {
    const reply = await this.eval<string[] | null>(LEAVE_SCRIPT, userKey, [SESSION + session]);
    if (!reply || reply.length === 0) return undefined;
    const [ticket, ...fields] = reply;
    return { ticket: ticket as string, sessions: fields.map((field) => field.slice(SESSION.length)) };
  }

  async release(userKey: string, ticket: string, dead: readonly string[]): Promise<boolean> {
    const args = [ticket, ...dead.map((session) => SESSION + session)];
    return (await this.eval<number>(RELEASE_SCRIPT, userKey, args)) === 1;
  }

  private async eval<T>(script: string, userKey: string, args: readonly (string | number)[]): Promise<T> {
    const key = this.keyPrefix + userKey;
    return (await sendCommand<T>(this.client, 'eval', [script, 1, key, ...args], 'write')).value;
  }
}

/** The topology STORE=redis uses, from the same settings (as RedisTicketStore reads them). */
function topologyOf(config: Config): RedisTopology {
  if (config.redisSentinels.length > 0) {
    return {
      kind: 'sentinel',
      sentinels: config.redisSentinels,
      name: config.redisSentinelName,
      url: config.redisUrl,
    };
  }
  if (config.redisClusterNodes.length > 0) {
    return { kind: 'cluster', nodes: config.redisClusterNodes, url: config.redisUrl };
  }
  return { kind: 'server', url: config.redisUrl };
}

/** The books of every forwarding service in the ticket store's Redis; one connection, opened at once. */
export function redisUpstreamTicketBooks(config: Config, ttlMs: number): UpstreamTicketBooks {
  const client = connectRedis(topologyOf(config), config.redisCommandTimeoutMs);
  return {
    forService: (servicePath) =>
      new RedisUpstreamTickets(
        client,
        `${config.redisKeyPrefix}upstream:${servicePath.toLowerCase()}:`,
        ttlMs,
      ),
    close: async () => {
      if (config.redisSentinels.length > 0) return client.disconnect();
      try {
        await client.quit();
      } catch {
        client.disconnect();
      }
    },
  };
}
