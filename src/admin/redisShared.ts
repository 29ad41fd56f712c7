import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { masters } from '../tickets/redis/connect';
import { read, sendCommand, type RedisClient } from '../tickets/redis/send';
import { StoreUnavailableError } from '../tickets/TicketStore';
import type { SharedClockOffset, SharedControl } from './adminControl';
import type { ArmedFault, FaultCall, FaultInjector, FaultSpec } from './faultBook';
import type { SteerableClock } from './steerableClock';

/** Keys examined per SCAN call and deleted per round trip by a reset. */
const RESET_BATCH = 1000;
/** How long an instance waits at start for the shared clock and faults before serving anyway. */
const SYNC_WAIT_MS = 2000;

/** Counts the armed faults of the hash `KEYS[1]` (one `spec:<n>` field each). */
const COUNT_FAULTS = `
local function armed()
  local n = 0
  for _, field in ipairs(redis.call('HKEYS', KEYS[1])) do
    if string.sub(field, 1, 5) == 'spec:' then n = n + 1 end
  end
  return n
end
`;

/** ARGV: spec JSON, match JSON, times, channel, sender. Returns {sequence, armed}. */
const ARM_SCRIPT = `${COUNT_FAULTS}
local n = redis.call('HINCRBY', KEYS[1], 'seq', 1)
redis.call('HSET', KEYS[1], 'spec:' .. n, ARGV[1], 'match:' .. n, ARGV[2], 'left:' .. n, ARGV[3])
local count = armed()
redis.call('PUBLISH', ARGV[4], 'faults:' .. ARGV[5] .. ':' .. count)
return {n, count}
`;

/** ARGV: sequence (or '' for all), channel, sender. Returns {removed, armed}. */
const DISARM_SCRIPT = `${COUNT_FAULTS}
local removed = 0
for _, field in ipairs(redis.call('HKEYS', KEYS[1])) do
  local n = string.match(field, '^spec:(%d+)$')
  if n and (ARGV[1] == '' or ARGV[1] == n) then
    redis.call('HDEL', KEYS[1], 'spec:' .. n, 'match:' .. n, 'left:' .. n)
    removed = removed + 1
  end
end
local count = armed()
redis.call('PUBLISH', ARGV[2], 'faults:' .. ARGV[3] .. ':' .. count)
return {removed, count}
`;

/**
 * The first armed fault (lowest sequence) matching the call consumes one time, atomically: of
 * concurrent calls on any instance, each time is taken once. ARGV: operation, transport, lower-case
 * service, channel, sender. Returns {sequence, spec, left, armed}, or {0, armed} for none.
 */
const TAKE_SCRIPT = `${COUNT_FAULTS}
local sequences = {}
for _, field in ipairs(redis.call('HKEYS', KEYS[1])) do
  local n = string.match(field, '^spec:(%d+)$')
  if n then sequences[#sequences + 1] = tonumber(n) end
end
table.sort(sequences)
for _, n in ipairs(sequences) do
  local m = cjson.decode(redis.call('HGET', KEYS[1], 'match:' .. n))
  if (m.operation == 'any' or m.operation == ARGV[1])
    and (m.transport == 'any' or m.transport == ARGV[2])
    and (m.service == '' or m.service == ARGV[3]) then
    local spec = redis.call('HGET', KEYS[1], 'spec:' .. n)
    local left = redis.call('HINCRBY', KEYS[1], 'left:' .. n, -1)
    local count = #sequences
    if left <= 0 then
      redis.call('HDEL', KEYS[1], 'spec:' .. n, 'match:' .. n, 'left:' .. n)
      count = count - 1
      redis.call('PUBLISH', ARGV[4], 'faults:' .. ARGV[5] .. ':' .. count)
    end
    return {n, spec, left, count}
  end
end
return {0, #sequences}
`;

/** ARGV: offset ms, channel, sender. An offset of 0 (real time) deletes the key. */
const SAVE_CLOCK_SCRIPT = `
if ARGV[1] == '0' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[1]) end
redis.call('PUBLISH', ARGV[2], 'clock:' .. ARGV[3] .. ':' .. ARGV[1])
return 1
`;

/**
 * What the admin API shares through the Redis the tickets live in, under the same key prefix:
 *
 * - the clock offset, key `<prefix>emulator:clock` (absent: real time);
 * - the armed faults, hash `<prefix>emulator:faults`, consumed atomically by a Lua script;
 * - a channel `<prefix>emulator:control`, on which every change is published by the script that
 *   makes it (atomically with it): `clock:<sender>:<offset>`, `faults:<sender>:<armed>`,
 *   `reset:<sender>:`, and `end:<sender>:<logout|admin>:<ticketHash>` (a session ended there, so
 *   the instance that opened it does not count it as expired).
 *
 * Every instance subscribes, reads the key and the hash once its subscription is (re)established
 * (so no change falls in between), and skips its own messages (it applied the change already; an
 * older echo must not undo a newer change). No keyspace notifications are needed. The journal and
 * the session registry stay per instance; a reset tells every instance to clear its own.
 */
export class RedisControlPlane implements SharedControl {
  readonly clockOffset: SharedClockOffset;
  readonly faults: RedisFaultBook;
  /** Resolves once the offset and faults were read (or after {@link SYNC_WAIT_MS}); never rejects. */
  readonly synced: Promise<void>;
  /** Told when another instance reset the emulator: clear this instance's journal and sessions. */
  onReset: () => void = () => undefined;
  /** Told when a session ended on another instance (a LogOut there, or the admin API). */
  onEnded: (ticketHash: string, reason: 'logout' | 'admin') => void = () => undefined;

  private readonly sender = randomBytes(6).toString('hex');
  private readonly clockKey: string;
  private readonly channel: string;
  private readonly subscriber: RedisClient;
  private closed = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly client: RedisClient,
    private readonly prefix: string,
    private readonly clock: SteerableClock,
  ) {
    this.clockKey = `${prefix}emulator:clock`;
    this.channel = `${prefix}emulator:control`;
    this.faults = new RedisFaultBook(client, `${prefix}emulator:faults`, this.channel, this.sender);
    this.clockOffset = {
      load: async () => parseOffset(await read(() => this.client.get(this.clockKey))),
      save: async (offsetMs) => {
        await sendCommand(
          this.client,
          'eval',
          [SAVE_CLOCK_SCRIPT, 1, this.clockKey, String(offsetMs), this.channel, this.sender],
          'write',
        );
      },
    };
    this.subscriber = (client as Redis).duplicate();
    this.subscriber.on('error', () => undefined);
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.channel) this.receive(message);
    });
    let markSynced: () => void = () => undefined;
    this.synced = new Promise<void>((resolve) => {
      markSynced = resolve;
      setTimeout(resolve, SYNC_WAIT_MS).unref();
    });
    // On every (re)connection: subscribe first, then read, so no change falls in between.
    this.subscriber.on('ready', () => {
      void this.subscriber
        .subscribe(this.channel)
        .then(() => this.refresh())
        .then(markSynced, () => this.refreshLater(markSynced));
    });
  }

  /** Deletes every key of this emulator's prefix, on every master, and tells the other instances. */
  async clear(): Promise<number> {
    const deleted = await clearPrefix(this.client, this.prefix);
    await sendCommand(this.client, 'publish', [this.channel, `reset:${this.sender}:`], 'write');
    return deleted;
  }

  /** In the background, after the answer: a message lost only makes another instance count an expiry. */
  announceEnd(ticketHash: string, reason: 'logout' | 'admin'): void {
    sendCommand(
      this.client,
      'publish',
      [this.channel, `end:${this.sender}:${reason}:${ticketHash}`],
      'write',
    ).catch(() => undefined);
  }

  close(): void {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    this.subscriber.disconnect();
  }

  private receive(message: string): void {
    const [kind, sender, ...rest] = message.split(':');
    if (sender === this.sender) return;
    const value = rest.join(':');
    if (kind === 'clock') this.clock.setOffset(parseOffset(value));
    else if (kind === 'faults') this.faults.learn(Number(value));
    else if (kind === 'reset') this.onReset();
    else if (kind === 'end' && (rest[0] === 'logout' || rest[0] === 'admin'))
      this.onEnded(rest[1] ?? '', rest[0]);
  }

  private async refresh(): Promise<void> {
    const [offset] = await Promise.all([this.clockOffset.load(), this.faults.refresh()]);
    this.clock.setOffset(offset);
  }

  private refreshLater(done: () => void): void {
    if (this.closed) return;
    this.retry = setTimeout(() => {
      this.refresh().then(done, () => this.refreshLater(done));
    }, 1000);
    this.retry.unref();
  }
}

/**
 * Deletes every key under `prefix` (and none other), on every master: SCAN MATCH, then one DEL a
 * key in one round trip per batch (the keys of a batch may lie in different slots of a Cluster).
 * Returns how many keys it deleted.
 */
export async function clearPrefix(client: RedisClient, prefix: string): Promise<number> {
  const nodes = masters(client);
  if (!nodes) throw new StoreUnavailableError('ticket store unreachable: some cluster slots have no master');
  const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
  let deleted = 0;
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await read(() => node.scan(cursor, 'MATCH', pattern, 'COUNT', RESET_BATCH));
      cursor = next;
      if (keys.length === 0) continue;
      const pipeline = node.pipeline();
      for (const key of keys) pipeline.del(key);
      const results = (await read(() => pipeline.exec())) ?? [];
      for (const [error, count] of results) {
        if (error) throw new StoreUnavailableError(`reset incomplete: ${error.message}`, { cause: error });
        deleted += Number(count);
      }
    } while (cursor !== '0');
  }
  return deleted;
}

function parseOffset(value: string | null): number {
  const offset = Number(value ?? 0);
  return Number.isFinite(offset) ? offset : 0;
}

/**
 * The armed faults every instance sharing the Redis sees. `armed()` (asked on every call, so
 * synchronous) reads this instance's count, which the scripts' messages keep current; a call
 * then takes its fault in Redis, atomically. When Redis cannot be asked, the call meets no fault:
 * it then goes to the store, which answers the outage as it is.
 */
export class RedisFaultBook implements FaultInjector {
  private count = 0;

  constructor(
    private readonly client: RedisClient,
    private readonly key: string,
    private readonly channel: string,
    private readonly sender: string,
  ) {}

  armed(): boolean {
    return this.count > 0;
  }

  /** A count another instance published. */
  learn(count: number): void {
    if (Number.isFinite(count)) this.count = count;
  }

  async refresh(): Promise<void> {
    const fields = await read(() => this.client.hkeys(this.key));
    this.count = fields.filter((field) => field.startsWith('spec:')).length;
  }

  async arm(spec: FaultSpec): Promise<ArmedFault> {
    const match = {
      operation: spec.operation,
      transport: spec.transport,
      service: spec.service === 'any' ? '' : spec.service.toLowerCase(),
    };
    const [sequence, count] = await this.eval<[number, number]>(ARM_SCRIPT, [
      JSON.stringify(spec),
      JSON.stringify(match),
      spec.times,
      this.channel,
      this.sender,
    ]);
    this.count = count;
    return { id: `f${sequence}`, ...spec, remaining: spec.times };
  }

  async list(): Promise<ArmedFault[]> {
    const hash = await read(() => this.client.hgetall(this.key));
    const faults: { sequence: number; fault: ArmedFault }[] = [];
    for (const [field, json] of Object.entries(hash)) {
      const sequence = /^spec:(\d+)$/.exec(field)?.[1];
      if (sequence === undefined) continue;
      const spec = JSON.parse(json) as FaultSpec;
      const left = Number(hash[`left:${sequence}`] ?? spec.times);
      faults.push({
        sequence: Number(sequence),
        fault: { id: `f${sequence}`, ...spec, remaining: Math.max(0, left) },
      });
    }
    this.count = faults.length;
    return faults.sort((x, y) => x.sequence - y.sequence).map(({ fault }) => fault);
  }

  async disarm(id?: string): Promise<boolean> {
    const sequence = id === undefined ? '' : /^f(\d+)$/.exec(id)?.[1];
    if (sequence === undefined) return false;
    const [removed, count] = await this.eval<[number, number]>(DISARM_SCRIPT, [
      sequence,
      this.channel,
      this.sender,
    ]);
    this.count = count;
    return removed > 0;
  }

  async take(call: FaultCall): Promise<ArmedFault | undefined> {
    let reply: [number, number] | [number, string, number, number];
    try {
      reply = await this.eval(TAKE_SCRIPT, [
        call.operation,
        call.transport,
        call.service.toLowerCase(),
        this.channel,
        this.sender,
      ]);
    } catch {
      return undefined;
    }
    if (reply.length === 2) {
      this.count = reply[1];
      return undefined;
    }
    const [sequence, json, left, count] = reply;
    this.count = count;
    return { id: `f${sequence}`, ...(JSON.parse(json) as FaultSpec), remaining: Math.max(0, left) };
  }

  private async eval<T>(script: string, args: readonly (string | number)[]): Promise<T> {
    return (await sendCommand<T>(this.client, 'eval', [script, 1, this.key, ...args], 'write')).value;
  }
}
