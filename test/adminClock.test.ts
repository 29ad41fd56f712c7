/** Time travel over HTTP: expiry, expireOn and sliding follow the emulator's clock (memory store). */
import { EmulatorAdmin, EmulatorAdminError } from '../src/index';
import { httpGet, login, rootAttribute } from './support/http';
import { startTestServer, type TestServer } from './support/testServer';

let server: TestServer;
let admin: EmulatorAdmin;
const START = Date.UTC(2026, 10, 21, 12, 0, 0); // the test server's base clock
beforeAll(async () => {
  server = await startTestServer();
  admin = new EmulatorAdmin(server.origin);
});
afterAll(() => server.close());
afterEach(() => admin.realTime());

const valid = async (ticket: string) =>
  rootAttribute(
    (await httpGet(server.origin, 'isValidTicket', { AuthenticationTicket: ticket })).body,
    'success',
  );

test('GET tells the time; advance by a duration; set; DELETE returns to real time', async () => {
  expect(await admin.clock()).toEqual({ now: new Date(START).toISOString(), offsetMs: 0, real: true });
  const advanced = await admin.advanceClock('P30DT1H');
  expect(advanced).toEqual({
    now: '2026-12-21T13:00:00.000Z',
    offsetMs: (30 * 24 + 1) * 3600_000,
    real: false,
  });
  expect((await admin.advanceClock('PT30M')).now).toBe('2026-12-21T13:30:00.000Z');
  expect((await admin.advanceClock('-P1D')).now).toBe('2026-12-20T13:30:00.000Z');
  expect((await admin.setClock('2030-02-03T04:05:06Z')).now).toBe('2030-02-03T04:05:06.000Z');
  expect((await admin.setClock(new Date('2031-01-01T00:00:00+02:00'))).now).toBe('2030-12-31T22:00:00.000Z');
  expect(await admin.realTime()).toEqual({ now: new Date(START).toISOString(), offsetMs: 0, real: true });
  // The base clock still moves under the offset.
  await admin.advanceClock('P1D');
  server.clock.advance(60_000);
  expect((await admin.clock()).now).toBe('2026-11-22T12:01:00.000Z');
  server.clock.set(START);
});

test.each([
  [{ advance: 'P1X' }, /ISO-8601 duration/],
  [{ advance: 'P' }, /ISO-8601 duration/],
  [{ advance: 'PT' }, /ISO-8601 duration/],
  [{ set: '2030-01-01T00:00:00' }, /with a zone/],
  [{ set: 'tomorrow' }, /with a zone/],
  [{}, /advance.*set/],
])('400 for %j, and the clock does not move', async (body, message) => {
  const res = await fetch(`${server.origin}/_emulator/clock`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(400);
  expect(((await res.json()) as { error: string }).error).toMatch(message);
  expect((await admin.clock()).real).toBe(true);
});

test('a broken JSON body is 400', async () => {
  const res = await fetch(`${server.origin}/_emulator/clock`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: '{"advance":',
  });
  expect(res.status).toBe(400);
});

test('a ticket expires when the clock passes 30 idle days: the next call gets [901]', async () => {
  const ticket = await login(server.origin);
  await admin.advanceClock('P29DT23H');
  expect(await valid(ticket)).toBe('true');
  await admin.advanceClock('PT1H1S');
  expect(await valid(ticket)).toBe('false');
  const logout = await httpGet(server.origin, 'LogOut', { AuthenticationTicket: ticket });
  expect(rootAttribute(logout.body, 'error')).toBe('[901] Session expired or Invalid ticket');
});

test('expireOn is told in the emulator time', async () => {
  await admin.setClock('2030-06-01T10:00:00Z');
  const res = await httpGet(server.origin, 'AuthenticateUser', { UID: 'jsmith', PWD: 'Secret123!' });
  expect(rootAttribute(res.body, 'expireOn')).toBe('2030-07-01T10:00:00Z');
});

test('sliding: a RenewTicket restarts the 30 days in the emulator time', async () => {
  const ticket = await login(server.origin);
  await admin.advanceClock('P20D');
  const renewed = await httpGet(server.origin, 'RenewTicket', {
    UID: 'jsmith',
    PWD: 'Secret123!',
    Lang: 'en',
    OldTicket: ticket,
  });
  expect(rootAttribute(renewed.body, 'ticket')).toBe(ticket);
  await admin.advanceClock('P20D'); // 40 days after the sign-in, 20 after the renewal
  expect(await valid(ticket)).toBe('true');
  await admin.advanceClock('P10DT1S');
  expect(await valid(ticket)).toBe('false');
});

test('the client reports API errors with their status', async () => {
  await expect(admin.advanceClock('soon')).rejects.toEqual(expect.any(EmulatorAdminError));
  await expect(admin.advanceClock('soon')).rejects.toMatchObject({ status: 400 });
});
