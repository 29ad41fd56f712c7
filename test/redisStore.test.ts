/** Two emulator instances sharing one Redis: one truth for tickets, and honest answers during an outage. */
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import Redis from 'ioredis';
import { DAY_MS } from '../src/clock';
import { DomainErrors } from '../src/errors/catalogue';
import { RedisTicketStore } from '../src/tickets/RedisTicketStore';
import { StoreOutcomeUnknownError, StoreUnavailableError } from '../src/tickets/TicketStore';
import {
  httpGet,
  httpRequest,
  login,
  rootAttribute,
  soap11,
  TRANSPORTS,
  type TransportName,
} from './support/http';
import { TestRedis } from './support/redisServer';
import { until } from './support/redisTopology';
import { startTestServer, type TestServer } from './support/testServer';

jest.setTimeout(60_000);

let redis: TestRedis;
let a: TestServer;
let b: TestServer;
let inspector: Redis;

beforeAll(async () => {
  redis = await TestRedis.start();
  const config = {
    store: 'redis' as const,
    redisUrl: redis.url,
    redisKeyPrefix: 'test:',
    redisCommandTimeoutMs: 500,
  };
  [a, b] = await Promise.all([startTestServer(config), startTestServer(config)]);
  inspector = new Redis(redis.url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => 200,
    disconnectTimeout: 100,
  });
  inspector.on('error', () => undefined);
  await inspector.connect();
});
afterAll(async () => {
  inspector.disconnect();
  await Promise.all([a.close(), b.close()]);
  await redis.kill();
});

const success = async (server: TestServer, operation: string, params: Record<string, string>) =>
  rootAttribute((await httpGet(server.origin, operation, params)).body, 'success');

test('a ticket issued on A is valid on B', async () => {
  const ticket = await login(a.origin);
  expect(await success(b, 'isValidTicket', { AuthenticationTicket: ticket })).toBe('true');
});

test('LogOut on B is [901] on A immediately', async () => {
  const ticket = await login(a.origin);
  expect(await success(b, 'LogOut', { AuthenticationTicket: ticket })).toBe('true');
  const res = await httpGet(a.origin, 'LogOut', { AuthenticationTicket: ticket });
  expect(rootAttribute(res.body, 'error')).toBe('[901] Session expired or Invalid ticket');
  expect(await success(a, 'isValidTicket', { AuthenticationTicket: ticket })).toBe('false');
});

test('100 concurrent LogOuts of one ticket across both instances: exactly one success', async () => {
  const ticket = await login(a.origin);
  const transports = Object.keys(TRANSPORTS) as TransportName[];
  const answers = await Promise.all(
    Array.from({ length: 100 }, (_, i) =>
      TRANSPORTS[transports[i % 4] as TransportName](i % 2 ? a.origin : b.origin, 'LogOut', {
        AuthenticationTicket: ticket,
      }),
    ),
  );
  const outcomes = answers.map((res) => rootAttribute(res.body, 'success'));
  expect(outcomes.filter((s) => s === 'true')).toHaveLength(1);
  expect(outcomes.filter((s) => s === 'false')).toHaveLength(99);
  for (const res of answers)
    if (rootAttribute(res.body, 'success') === 'false') expect(res.body).toContain('[901]');
});

test('one key per ticket with the 30-day TTL; isValidTicket leaves it, RenewTicket restarts it', async () => {
  const ticket = await login(a.origin);
  const key = `test:ticket:${ticket}`;
  // The value holds the expiry instant on the emulator's clock; the TTL only collects the garbage.
  expect(await inspector.get(key)).toBe(`jsmith|${a.clock.now() + 30 * DAY_MS}`);
  const fresh = await inspector.pttl(key);
  expect(fresh).toBeGreaterThan(30 * DAY_MS - 5000);
  expect(fresh).toBeLessThanOrEqual(30 * DAY_MS);

  await inspector.pexpire(key, 10 * DAY_MS);
  await success(b, 'isValidTicket', { AuthenticationTicket: ticket });
  expect(await inspector.pttl(key)).toBeLessThanOrEqual(10 * DAY_MS);

  const renewed = await httpGet(b.origin, 'RenewTicket', {
    UID: 'jsmith',
    PWD: 'Secret123!',
    Lang: 'en',
    OldTicket: ticket,
  });
  expect(rootAttribute(renewed.body, 'ticket')).toBe(ticket);
  expect(await inspector.pttl(key)).toBeGreaterThan(30 * DAY_MS - 5000);
});

test('isValidTicket reports the expiry instant stored with the ticket; a bare user key, its TTL', async () => {
  const ticket = await login(a.origin);
  await inspector.pexpire(`test:ticket:${ticket}`, 2 * DAY_MS);
  const res = await httpGet(b.origin, 'isValidTicket', { AuthenticationTicket: ticket });
  expect(Date.parse(rootAttribute(res.body, 'expireOn') as string)).toBe(a.clock.now() + 30 * DAY_MS);
  // A value written before the instant was stored: the key's TTL tells the expiry.
  await inspector.set(`test:ticket:${ticket}`, 'jsmith', 'PX', 2 * DAY_MS);
  const legacy = await httpGet(b.origin, 'isValidTicket', { AuthenticationTicket: ticket });
  const expireOn = Date.parse(rootAttribute(legacy.body, 'expireOn') as string);
  expect(Math.abs(expireOn - (b.clock.now() + 2 * DAY_MS))).toBeLessThan(5000);
});

/** The value of a metric line of `/metrics` (no labels). */
async function metric(server: TestServer, name: string): Promise<number | undefined> {
  const body = (await httpRequest(server.origin, '/metrics')).body;
  const line = body.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

const INVALID = DomainErrors.INVALID_TICKET.text;
const UNAVAILABLE = DomainErrors.STORE_UNAVAILABLE.text;
const OUTCOME_UNKNOWN = DomainErrors.STORE_OUTCOME_UNKNOWN.text;

describe('a stalled Redis (SIGSTOP): the command was sent, its answer did not come in time', () => {
  // Whatever happens in a test, Redis runs again for the next one.
  afterEach(() => redis.resume());

  test('LogOut answers [904], never [903]; after SIGCONT the ticket is gone and a retry answers [901]', async () => {
    const [first, second] = await Promise.all([login(a.origin), login(b.origin)]);
    redis.stall();

    const get = await httpGet(a.origin, 'LogOut', { AuthenticationTicket: first });
    expect(get.status).toBe(503);
    expect(get.headers['retry-after']).toBe('1');
    expect(rootAttribute(get.body, 'error')).toBe(OUTCOME_UNKNOWN);
    const soap = await soap11(b.origin, 'LogOut', { AuthenticationTicket: second });
    expect(soap.status).toBe(500);
    expect(soap.body).toContain(`Server was unable to process request. ---&gt; ${OUTCOME_UNKNOWN}`);
    expect(soap.body).not.toContain('[903]');
    // A read changes nothing either way: "nothing was changed" is the truth for it.
    const check = await httpGet(a.origin, 'isValidTicket', { AuthenticationTicket: first });
    expect(rootAttribute(check.body, 'error')).toBe(UNAVAILABLE);

    redis.resume();
    // Served on the same connections as the stalled LogOuts, so after them.
    expect(await success(a, 'isValidTicket', { AuthenticationTicket: first })).toBe('false');
    expect(await success(b, 'isValidTicket', { AuthenticationTicket: second })).toBe('false');
    expect(await inspector.exists(`test:ticket:${first}`, `test:ticket:${second}`)).toBe(0);
    for (const [server, ticket] of [
      [b, first],
      [a, second],
    ] as const) {
      const retry = await httpGet(server.origin, 'LogOut', { AuthenticationTicket: ticket });
      expect([retry.status, rootAttribute(retry.body, 'error')]).toEqual([200, INVALID]);
    }
  });

  test('a sign-in during the stall answers [904] (the ticket may exist), and the store serves again after SIGCONT', async () => {
    redis.stall();
    const res = await httpGet(a.origin, 'AuthenticateUser', { UID: 'jsmith', PWD: 'Secret123!' });
    expect([res.status, rootAttribute(res.body, 'error')]).toEqual([503, OUTCOME_UNKNOWN]);
    redis.resume();
    const ticket = await login(a.origin);
    expect(await success(b, 'LogOut', { AuthenticationTicket: ticket })).toBe('true');
  });
});

/** The commands of a RESP chunk, as arrays of their words (enough for a fake server). */
function respCommands(chunk: string): string[][] {
  const commands: string[][] = [];
  const lines = chunk.split('\r\n');
  for (let i = 0; i < lines.length; i++) {
    const count = /^\*(\d+)$/.exec(lines[i] as string);
    if (!count) continue;
    const words: string[] = [];
    for (let n = 0; n < Number(count[1]); n++) words.push(lines[(i += 2)] as string);
    commands.push(words);
  }
  return commands;
}

test('a connection that drops with a LogOut in flight: outcome unknown; while it is down: not sent', async () => {
  // A fake Redis that answers everything but drops the connection on GETDEL, after reading it.
  const sockets = new Set<net.Socket>();
  const fake = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('data', (chunk: Buffer) => {
      for (const [name] of respCommands(chunk.toString())) {
        if (name?.toLowerCase() === 'getdel') return socket.destroy();
        socket.write(name?.toLowerCase() === 'info' ? '$9\r\nloading:0\r\n' : '+OK\r\n');
      }
    });
  });
  await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
  const { port } = fake.address() as net.AddressInfo;
  const store = new RedisTicketStore({
    url: `redis://127.0.0.1:${port}`,
    keyPrefix: 'fake:',
    ttlMs: DAY_MS,
    commandTimeoutMs: 5000,
    clock: a.clock,
  });
  try {
    await until('the store to connect', () => store.ping().then(() => true), 5000, 10);
    const inFlight = await store.revoke(randomUUID()).catch((error: unknown) => error);
    expect(inFlight).toBeInstanceOf(StoreOutcomeUnknownError);
    // The connection is gone and not back yet: this one is refused before it is written.
    const notSent = await store.revoke(randomUUID()).catch((error: unknown) => error);
    expect(notSent).toBeInstanceOf(StoreUnavailableError);
    // And it reconnects by itself.
    await until('the store to reconnect', () => store.ping().then(() => true), 5000, 10);
  } finally {
    await store.close();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => fake.close(resolve));
  }
});

test('a client ioredis ends by itself is started again (ioredis gives up on some Sentinel paths)', async () => {
  const store = new RedisTicketStore({
    url: redis.url,
    keyPrefix: 'test:',
    ttlMs: DAY_MS,
    commandTimeoutMs: 500,
    clock: a.clock,
  });
  try {
    await until('the store to connect', () => store.ping().then(() => true), 5000, 10);
    const client = (store as unknown as { redis: Redis }).redis;
    const ended = new Promise((resolve) => client.once('end', resolve));
    client.disconnect();
    await ended;
    await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
    await until('the store to serve again', () => store.ping().then(() => true), 5000, 10);
  } finally {
    await store.close();
  }
});

describe('errors Redis answers are internal errors, not outages', () => {
  test('WRONGTYPE (a list at the ticket key): 500 internal error, neither [903] nor [901]', async () => {
    const ticket = randomUUID();
    await inspector.rpush(`test:ticket:${ticket}`, 'not a user');
    try {
      const get = await httpGet(a.origin, 'LogOut', { AuthenticationTicket: ticket });
      expect([get.status, get.body]).toEqual([
        500,
        'System.InvalidOperationException: An internal error occurred.',
      ]);
      const soap = await soap11(b.origin, 'LogOut', { AuthenticationTicket: ticket });
      expect(soap.status).toBe(500);
      expect(soap.body).toContain(
        'Server was unable to process request. ---&gt; An internal error occurred.',
      );
      expect(await inspector.type(`test:ticket:${ticket}`)).toBe('list');
    } finally {
      await inspector.del(`test:ticket:${ticket}`);
    }
  });

  test('OOM (maxmemory reached): a sign-in is an internal error, not [903]', async () => {
    await inspector.config('SET', 'maxmemory-policy', 'noeviction');
    await inspector.config('SET', 'maxmemory', '1');
    try {
      const res = await httpGet(a.origin, 'AuthenticateUser', { UID: 'jsmith', PWD: 'Secret123!' });
      expect([res.status, res.body]).toEqual([
        500,
        'System.InvalidOperationException: An internal error occurred.',
      ]);
    } finally {
      await inspector.config('SET', 'maxmemory', '0');
    }
  });
});

test("asmx_live_tickets counts this emulator's tickets only, not the whole database", async () => {
  await inspector.set('other-service:session:1', 'x');
  await inspector.set('test:not-a-ticket', 'x');
  await inspector.set('other:ticket:123', 'x');
  try {
    await Promise.all(Array.from({ length: 5 }, () => login(a.origin)));
    const keys = await inspector.keys('test:ticket:*');
    expect(keys.length).toBeGreaterThanOrEqual(5);
    expect(await inspector.dbsize()).toBeGreaterThan(keys.length);
    expect(await metric(a, 'asmx_live_tickets')).toBe(keys.length);
    expect(await metric(b, 'asmx_live_tickets')).toBe(keys.length);
  } finally {
    await inspector.del('other-service:session:1', 'test:not-a-ticket', 'other:ticket:123');
  }
});

describe('a Redis outage', () => {
  let ticket: string;
  beforeAll(async () => {
    ticket = await login(a.origin);
    await redis.kill();
  });

  test('LogOut is neither success nor [901], on any transport', async () => {
    const get = await httpGet(a.origin, 'LogOut', { AuthenticationTicket: ticket });
    expect(get.status).toBe(503);
    expect(get.headers['retry-after']).toBe('1');
    expect(get.body).toBe(
      '<?xml version="1.0" encoding="utf-8"?>\n<root success="false" error="[903] Ticket store unavailable, nothing was changed; try again" />',
    );
    const soap = await soap11(b.origin, 'LogOut', { AuthenticationTicket: ticket });
    expect(soap.status).toBe(500);
    expect(soap.body).toContain('<faultcode>soap:Server</faultcode>');
    expect(soap.body).toContain('[903] Ticket store unavailable');
    for (const transport of ['soap12', 'formPost'] as const) {
      const res = await TRANSPORTS[transport](a.origin, 'LogOut', { AuthenticationTicket: ticket });
      expect(res.body).not.toContain('success="true"');
      expect(res.body).not.toContain('[901]');
    }
  });

  test('answers come at once, not after a queue drains', async () => {
    const started = Date.now();
    await httpGet(a.origin, 'isValidTicket', { AuthenticationTicket: ticket });
    expect(Date.now() - started).toBeLessThan(1500);
  });

  test('/readyz says not ready on both instances; /healthz stays up', async () => {
    for (const server of [a, b]) {
      const ready = await httpRequest(server.origin, '/readyz');
      expect([ready.status, ready.body]).toEqual([503, 'not ready: ticket store unreachable']);
      expect((await httpRequest(server.origin, '/healthz')).status).toBe(200);
    }
  });

  test('after Redis restarts both instances serve again without being restarted', async () => {
    await redis.restart();
    const deadline = Date.now() + 15_000;
    for (const server of [a, b]) {
      while ((await httpRequest(server.origin, '/readyz')).status !== 200) {
        if (Date.now() > deadline) throw new Error('instance did not become ready again');
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const fresh = await login(b.origin);
    expect(await success(a, 'isValidTicket', { AuthenticationTicket: fresh })).toBe('true');
    expect(await success(a, 'LogOut', { AuthenticationTicket: fresh })).toBe('true');
    expect(await success(b, 'LogOut', { AuthenticationTicket: fresh })).toBe('false');
  });
});

test('a fractional TICKET_TTL_DAYS works on Redis: whole milliseconds for PX', async () => {
  // 0.7 days is 60,479,999.99999999 ms as a double: Redis refuses a PX that is not an integer.
  const fractional = await startTestServer({
    store: 'redis',
    redisUrl: redis.url,
    redisKeyPrefix: 'fraction:',
    redisCommandTimeoutMs: 500,
    ticketTtlDays: 0.7,
  });
  // Its own connection: earlier tests stop and restart Redis under the shared inspector.
  const probe = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  try {
    const ticket = await login(fractional.origin);
    const ttl = await probe.pttl(`fraction:ticket:${ticket}`);
    expect(ttl).toBeGreaterThan(60_480_000 - 5_000);
    expect(ttl).toBeLessThanOrEqual(60_480_000);
    expect(await success(fractional, 'isValidTicket', { AuthenticationTicket: ticket })).toBe('true');
  } finally {
    probe.disconnect();
    await fractional.close();
  }
});
