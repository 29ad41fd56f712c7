/** Two emulator instances sharing one Redis: one truth for tickets, and honest answers during an outage. */
import Redis from 'ioredis';
import { DAY_MS } from '../src/clock';
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
  expect(await inspector.get(key)).toBe('jsmith');
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

test('isValidTicket reports the expiry Redis holds', async () => {
  const ticket = await login(a.origin);
  await inspector.pexpire(`test:ticket:${ticket}`, 2 * DAY_MS);
  const res = await httpGet(b.origin, 'isValidTicket', { AuthenticationTicket: ticket });
  const expireOn = Date.parse(rootAttribute(res.body, 'expireOn') as string);
  expect(Math.abs(expireOn - (b.clock.now() + 2 * DAY_MS))).toBeLessThan(5000);
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
