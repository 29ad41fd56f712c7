/**
 * Forward mode's upstream tickets beside the sessions, against the REAL ASMX reference service:
 * with STORE=redis two emulator instances on one Redis (a redis-server of this test's own) share
 * the user's upstream ticket, and a LogOut on either ends it; with the memory store an admin end
 * and an expiry (the emulator's clock moved through /_emulator/clock) end it too, and with
 * ADMIN_API=off a LogOut still does. A tap in front of the reference shows what the emulators send it.
 */
import path from 'node:path';
import Redis from 'ioredis';
import { PACKAGE_ROOT, startCliServer, type CliServer } from './support/cliServer';
import { httpGet } from './support/http';
import { TestRedis } from './support/redisServer';
import { startReferenceServer, type ReferenceServer } from './support/referenceServer';
import { startUpstreamTap, type TappedExchange, type UpstreamTap } from './support/upstreamTap';

jest.setTimeout(120_000);

const FULL_WSDL = path.join(PACKAGE_ROOT, 'examples', 'inforouter-documents', 'srv-full.wsdl');
const PREFIX = 'upstream-test:';
const UPSTREAM_KEY = `${PREFIX}upstream:/srv.asmx:jsmith`;

let reference: ReferenceServer;
let tap: UpstreamTap;

beforeAll(async () => {
  reference = await startReferenceServer();
  tap = await startUpstreamTap(reference.origin);
}, 120_000);
afterAll(async () => {
  await tap?.close();
  await reference?.close();
});

const forwardMode = (env: NodeJS.ProcessEnv = {}) =>
  startCliServer([], {
    WSDL_FILE: FULL_WSDL,
    UPSTREAM_URL: `${tap.origin}/srv.asmx`,
    UPSTREAM_TRUSTED_PASSWORD: 'MyServerSecret',
    ...env,
  });

async function signIn(origin: string): Promise<string> {
  const login = await httpGet(origin, 'AuthenticateUser', { UID: 'jsmith', PWD: 'Secret123!' });
  const ticket = /ticket="([^"]+)"/.exec(login.body)?.[1] ?? '';
  expect(ticket).toMatch(/^[0-9a-f-]{36}$/);
  return ticket;
}

const operationOf = (exchange: TappedExchange) =>
  /^"?http:\/\/tempuri\.org\/(\w+)/i.exec(String(exchange.headers.soapaction ?? ''))?.[1];
const upstreamTicketIn = (exchange: TappedExchange | undefined) =>
  /<authenticationTicket>([^<]+)<\/authenticationTicket>/i.exec(exchange?.requestBody ?? '')?.[1];
const signInsSince = (seen: number) =>
  tap.exchanges.slice(seen).filter((e) => operationOf(e) === 'CreateTicketforUser');

/** A forwarded call (GetStorageUsed is answered by the upstream only); the upstream ticket it went with. */
async function forwarded(origin: string, ticket: string): Promise<string | undefined> {
  const answer = await httpGet(origin, 'GetStorageUsed', { authenticationTicket: ticket });
  expect(answer.status).toBe(200);
  expect(answer.body).not.toContain('[90');
  return upstreamTicketIn(tap.exchanges.filter((e) => operationOf(e) === 'GetStorageUsed').at(-1));
}

/** Waits for the upstream LogOut of `upstreamTicket`, then checks the upstream itself has it dead. */
async function endedUpstream(upstreamTicket: string): Promise<void> {
  const logout = await tap.waitFor(
    (e) => operationOf(e) === 'LogOut' && e.requestBody.includes(upstreamTicket),
  );
  expect(logout.responseBody).toContain('success="true"');
  const again = await httpGet(reference.origin, 'LogOut', { AuthenticationTicket: upstreamTicket });
  expect(again.body).toContain('[901]');
}

describe('two instances on one Redis', () => {
  let redis: TestRedis;
  let client: Redis;
  let a: CliServer;
  let b: CliServer;
  beforeAll(async () => {
    redis = await TestRedis.start();
    client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    const env = { STORE: 'redis', REDIS_URL: redis.url, REDIS_KEY_PREFIX: PREFIX };
    [a, b] = await Promise.all([forwardMode(env), forwardMode(env)]);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    client?.disconnect();
    await redis?.kill();
  });

  test('sign the user in upstream once between them, and a LogOut on B ends the ticket A obtained', async () => {
    const seen = tap.exchanges.length;
    const session = await signIn(a.origin);
    const upstreamTicket = await forwarded(a.origin, session);
    expect(signInsSince(seen)).toHaveLength(1);
    expect(upstreamTicket).toMatch(/^[0-9a-f-]{36}$/);
    expect(upstreamTicket).not.toBe(session);
    // Kept beside the session, in the store's Redis: the key, its TTL, the sessions using it.
    expect(await client.hget(UPSTREAM_KEY, 'ticket')).toBe(upstreamTicket);
    expect(await client.hexists(UPSTREAM_KEY, `session:${session}`)).toBe(1);
    expect(await client.pttl(UPSTREAM_KEY)).toBeGreaterThan(29 * 24 * 3600_000);

    // The same session on B, and a second session of the user opened on B: the same upstream ticket.
    expect(await forwarded(b.origin, session)).toBe(upstreamTicket);
    const second = await signIn(b.origin);
    expect(await forwarded(b.origin, second)).toBe(upstreamTicket);
    expect(signInsSince(seen)).toHaveLength(1);

    // The second session's LogOut leaves it to the first, still live.
    expect((await httpGet(b.origin, 'LogOut', { AuthenticationTicket: second })).body).toContain(
      'success="true"',
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await client.hexists(UPSTREAM_KEY, `session:${second}`)).toBe(0);
    expect(await forwarded(a.origin, session)).toBe(upstreamTicket);
    expect(tap.exchanges.slice(seen).some((e) => operationOf(e) === 'LogOut')).toBe(false);

    // The LogOut on B of the session A signed in upstream for ends the upstream ticket.
    expect((await httpGet(b.origin, 'LogOut', { AuthenticationTicket: session })).body).toContain(
      'success="true"',
    );
    await endedUpstream(upstreamTicket as string);
    expect(await client.exists(UPSTREAM_KEY)).toBe(0);
    expect(signInsSince(seen)).toHaveLength(1);
  });
});

describe('the memory store', () => {
  let emulator: CliServer;
  beforeAll(async () => {
    emulator = await forwardMode();
  });
  afterAll(() => emulator?.close());

  const admin = (method: string, route: string, body?: unknown) =>
    fetch(`${emulator.origin}/_emulator${route}`, {
      method,
      ...(body === undefined
        ? {}
        : { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }),
    });

  test('an admin end of the session ends its upstream ticket', async () => {
    const session = await signIn(emulator.origin);
    const upstreamTicket = (await forwarded(emulator.origin, session)) as string;
    const ended = await admin('DELETE', `/sessions/${session}`);
    expect(ended.status).toBe(200);
    await endedUpstream(upstreamTicket);
  });

  test('an expiry noticed by the admin API ends its upstream ticket', async () => {
    const seen = tap.exchanges.length;
    const session = await signIn(emulator.origin);
    const upstreamTicket = (await forwarded(emulator.origin, session)) as string;
    // The previous test's upstream ticket was ended: this one is new.
    expect(signInsSince(seen)).toHaveLength(1);
    try {
      expect((await admin('POST', '/clock', { advance: 'P31D' })).status).toBe(200);
      // The listing looks at the store: the session expired.
      const listing = (await (await admin('GET', '/sessions')).json()) as { sessions: unknown[] };
      expect(listing.sessions).toEqual([]);
      await endedUpstream(upstreamTicket);
    } finally {
      await admin('DELETE', '/clock');
    }
  });
});

describe('with ADMIN_API=off', () => {
  let emulator: CliServer;
  beforeAll(async () => {
    emulator = await forwardMode({ ADMIN_API: 'off' });
  });
  afterAll(() => emulator?.close());

  test('a LogOut still ends its upstream ticket: the sessions are followed without the admin API', async () => {
    const session = await signIn(emulator.origin);
    const upstreamTicket = (await forwarded(emulator.origin, session)) as string;
    expect((await fetch(`${emulator.origin}/_emulator/sessions`)).status).toBe(404);
    const logout = await httpGet(emulator.origin, 'LogOut', { AuthenticationTicket: session });
    expect(logout.body).toContain('success="true"');
    await endedUpstream(upstreamTicket);
  });
});
