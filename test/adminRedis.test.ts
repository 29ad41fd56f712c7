/**
 * The control plane on Redis: two instances on a Redis of the test's own share the clock offset
 * and the armed faults; a reset clears this emulator's key prefix only; the journal, the sessions
 * and the leak report are per instance.
 */
import Redis from 'ioredis';
import { EmulatorAdmin } from '../src/index';
import { httpGet, login, rootAttribute } from './support/http';
import { TestRedis } from './support/redisServer';
import { until } from './support/redisTopology';
import { startTestServer, type TestServer } from './support/testServer';

jest.setTimeout(30_000);

const PREFIX = 'steer:';
const INVALID = '[901] Session expired or Invalid ticket';

let redis: TestRedis;
let a: TestServer;
let b: TestServer;
let adminA: EmulatorAdmin;
let adminB: EmulatorAdmin;
let inspector: Redis;

beforeAll(async () => {
  redis = await TestRedis.start();
  const config = {
    store: 'redis' as const,
    redisUrl: redis.url,
    redisKeyPrefix: PREFIX,
    redisCommandTimeoutMs: 1000,
  };
  [a, b] = await Promise.all([startTestServer(config), startTestServer(config)]);
  await Promise.all([a.emulator.ready, b.emulator.ready]);
  adminA = new EmulatorAdmin(a.origin);
  adminB = new EmulatorAdmin(b.origin);
  inspector = new Redis(redis.url, { maxRetriesPerRequest: 0 });
  inspector.on('error', () => undefined);
});
afterAll(async () => {
  inspector?.disconnect();
  await Promise.all([a?.close(), b?.close()]);
  await redis?.kill();
});
afterEach(async () => {
  await adminA.reset();
});

const isValid = async (server: TestServer, ticket: string) => {
  const res = await httpGet(server.origin, 'isValidTicket', { AuthenticationTicket: ticket });
  return { success: rootAttribute(res.body, 'success'), expireOn: rootAttribute(res.body, 'expireOn') };
};

test('the clock advanced on A moves B: a ticket is [901] on both, expireOn follows the new time', async () => {
  const ticket = await login(a.origin);
  const start = Date.parse((await adminB.clock()).now);

  const advanced = await adminA.advanceClock('P29D');
  expect((await adminB.clock()).offsetMs).toBe(advanced.offsetMs);
  // Still alive 29 days on: expireOn is the instant stored with the ticket, on the emulator's clock.
  expect(await isValid(b, ticket)).toEqual({
    success: 'true',
    expireOn: new Date(start + 30 * 86_400_000).toISOString().replace('.000Z', 'Z'),
  });
  // A sign-in on B now expires 30 days after the emulator's new time.
  const signIn = await httpGet(b.origin, 'AuthenticateUser', { UID: 'jsmith', PWD: 'Secret123!' });
  expect(rootAttribute(signIn.body, 'expireOn')).toBe(
    new Date(start + 59 * 86_400_000).toISOString().replace('.000Z', 'Z'),
  );

  await adminB.advanceClock('P1DT1S');
  expect((await adminA.clock()).now).toBe(new Date(start + 30 * 86_400_000 + 1000).toISOString());
  for (const server of [a, b]) {
    expect((await isValid(server, ticket)).success).toBe('false');
    const logout = await httpGet(server.origin, 'LogOut', { AuthenticationTicket: ticket });
    expect(rootAttribute(logout.body, 'error')).toBe(INVALID);
  }
  // Back to real time on B: both instances follow.
  await adminB.realTime();
  expect(await adminA.clock()).toMatchObject({ real: true, offsetMs: 0 });
  expect(await inspector.exists(`${PREFIX}emulator:clock`)).toBe(0);
});

test('sliding on Redis: a renewal restarts the 30 days on the emulator clock', async () => {
  const ticket = await login(a.origin);
  await adminA.advanceClock('P20D');
  const renewed = await httpGet(b.origin, 'RenewTicket', {
    UID: 'jsmith',
    PWD: 'Secret123!',
    Lang: 'en',
    OldTicket: ticket,
  });
  expect(rootAttribute(renewed.body, 'ticket')).toBe(ticket);
  const [user, instant] = (await inspector.get(`${PREFIX}ticket:${ticket}`))!.split('|');
  expect(user).toBe('jsmith');
  expect(Number(instant)).toBe(b.clock.now() + (20 + 30) * 86_400_000);
  await adminB.advanceClock('P20D');
  expect((await isValid(a, ticket)).success).toBe('true');
  await adminA.advanceClock('P10DT1S');
  expect((await isValid(a, ticket)).success).toBe('false');
  expect((await isValid(b, ticket)).success).toBe('false');
});

test('a fault armed on A is consumed by a call on B, once; both list what is left', async () => {
  const ticket = await login(a.origin);
  const armed = await adminA.armFault({ operation: 'LogOut', fault: 'store-unavailable', times: 2 });
  expect(await adminB.faults()).toEqual([expect.objectContaining({ id: armed.id, remaining: 2 })]);

  const first = await httpGet(b.origin, 'LogOut', { AuthenticationTicket: ticket });
  expect(rootAttribute(first.body, 'error')).toMatch(/^\[903\]/);
  expect(await adminA.faults()).toEqual([expect.objectContaining({ id: armed.id, remaining: 1 })]);
  const second = await httpGet(a.origin, 'LogOut', { AuthenticationTicket: ticket });
  expect(rootAttribute(second.body, 'error')).toMatch(/^\[903\]/);
  expect(await adminB.faults()).toEqual([]);
  // The injected faults changed nothing: the ticket is alive, and the next LogOut (on B) ends it.
  expect((await isValid(a, ticket)).success).toBe('true');
  const third = await httpGet(b.origin, 'LogOut', { AuthenticationTicket: ticket });
  expect(rootAttribute(third.body, 'success')).toBe('true');

  // Concurrent calls on both instances take each time exactly once.
  await adminB.armFault({ operation: 'isValidTicket', fault: 'error', times: 5 });
  const answers = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      httpGet((i % 2 ? a : b).origin, 'isValidTicket', { AuthenticationTicket: 'x' }),
    ),
  );
  expect(answers.filter((res) => res.body.includes('[999]'))).toHaveLength(5);
  expect(await adminA.faults()).toEqual([]);

  // Disarming on one disarms for both.
  await adminA.armFault({ operation: 'LogOut', fault: 'http-500', times: 3 });
  await adminB.disarm();
  expect(await adminA.faults()).toEqual([]);
  const ticket2 = await login(b.origin);
  const ok = await httpGet(a.origin, 'LogOut', { AuthenticationTicket: ticket2 });
  expect(rootAttribute(ok.body, 'success')).toBe('true');
});

test('reset on A clears this prefix (and the clock, the faults, both journals); another prefix survives', async () => {
  const ticket = await login(a.origin);
  await inspector.set('other:ticket:123', 'kept');
  await inspector.set('steer', 'not under the prefix');
  await adminA.advanceClock('P3D');
  await adminB.armFault({ fault: 'latency', latencyMs: 1, times: 9 });
  await httpGet(b.origin, 'isValidTicket', { AuthenticationTicket: ticket });
  expect((await inspector.keys(`${PREFIX}*`)).length).toBeGreaterThanOrEqual(3);

  const res = await fetch(`${a.origin}/_emulator/reset`, { method: 'POST' });
  expect(res.status).toBe(200);
  expect(await inspector.keys(`${PREFIX}*`)).toEqual([]);
  expect(await inspector.get('other:ticket:123')).toBe('kept');
  expect(await inspector.get('steer')).toBe('not under the prefix');
  expect(await adminB.clock()).toMatchObject({ real: true });
  expect(await adminB.faults()).toEqual([]);
  // B's journal and sessions are cleared too (told over the channel).
  await until('B to clear its journal', async () => (await adminB.countRequests()) === 0, 5000, 20);
  expect(await adminB.sessions()).toEqual([]);
  expect((await isValid(b, ticket)).success).toBe('false');
  await inspector.del('other:ticket:123', 'steer');
});

test('sessions and the leak report on Redis: each instance for what it saw', async () => {
  const onA = await login(a.origin);
  const onB = await login(b.origin);
  const idle = await login(b.origin);
  // A LogOut on A of B's ticket: B is told (the channel), so it counts a LogOut, not an expiry.
  expect(
    rootAttribute((await httpGet(a.origin, 'LogOut', { AuthenticationTicket: onB })).body, 'success'),
  ).toBe('true');
  await until(
    'B to learn of the LogOut',
    async () => (await adminB.leakReport()).totals.loggedOut === 1,
    5000,
    20,
  );
  const sessionsA = await adminA.sessions();
  const sessionsB = await adminB.sessions();
  expect(sessionsA.map((s) => s.user)).toEqual(['jsmith']);
  expect(sessionsB).toHaveLength(1);
  expect(JSON.stringify([sessionsA, sessionsB])).not.toContain(onA);
  expect(Date.parse(sessionsA[0]!.expires)).toBe(a.clock.now() + 30 * 86_400_000);

  // 31 days on: A's session expired without a LogOut; B's idle one too.
  const advanced = await adminA.advanceClock('P31D');
  // B learns the new offset from the channel: wait for it, not for time.
  await until(
    'B to see the new time',
    async () => (await adminB.clock()).offsetMs === advanced.offsetMs,
    5000,
    20,
  );
  const reportA = await adminA.leakReport();
  const reportB = await adminB.leakReport();
  expect(reportA.totals).toMatchObject({ loggedOut: 0, expiredWithoutLogout: 1, open: 0 });
  expect(reportB.totals).toMatchObject({ loggedOut: 1, expiredWithoutLogout: 1, open: 0 });
  expect(await adminA.sessions()).toEqual([]);
  expect((await isValid(b, idle)).success).toBe('false');

  const journal = (await fetch(`${b.origin}/_emulator/requests`).then((r) => r.json())) as {
    scope: string;
    requests: { operation: string }[];
  };
  expect(journal.scope).toBe('instance');
  expect(journal.requests.map((r) => r.operation)).toEqual([
    'AuthenticateUser',
    'AuthenticateUser',
    'isValidTicket',
  ]);
});
