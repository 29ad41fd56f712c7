/** The request journal over HTTP: bounded, filtered, counted, and never holding a secret. */
import { EmulatorAdmin } from '../src/index';
import { ticketHash } from '../src/admin/ticketHash';
import { formPost, httpGet, httpRequest, login, rootAttribute, soap11 } from './support/http';
import { startTestServer, type TestServer } from './support/testServer';

let server: TestServer;
let admin: EmulatorAdmin;
beforeAll(async () => {
  server = await startTestServer();
  admin = new EmulatorAdmin(server.origin);
});
afterAll(() => server.close());
beforeEach(() => admin.reset());

test('each call: time, service, operation, transport, redacted arguments, user, outcome, status, duration, client', async () => {
  const ticket = await login(server.origin);
  await soap11(
    server.origin,
    'LogOut',
    { AuthenticationTicket: ticket },
    { 'User-Agent': 'nightly-script/1.0' },
  );
  const requests = await admin.requests();
  expect(requests).toHaveLength(2);
  expect(requests[0]).toMatchObject({
    seq: expect.any(Number),
    time: '2026-11-21T12:00:00.000Z',
    service: '/srv.asmx',
    operation: 'AuthenticateUser',
    transport: 'http-get',
    arguments: { UID: 'jsmith', PWD: '***' },
    user: 'jsmith',
    ticketHash: null,
    outcome: 'success',
    status: 200,
    clientAddress: '127.0.0.1',
    fault: null,
  });
  expect(requests[1]).toMatchObject({
    operation: 'LogOut',
    transport: 'soap11',
    arguments: { AuthenticationTicket: `#${ticketHash(ticket)}` },
    user: 'jsmith',
    ticketHash: ticketHash(ticket),
    outcome: 'success',
    userAgent: 'nightly-script/1.0',
  });
  expect(requests[1]!.durationMs).toBeGreaterThan(0);
});

test('no password, trusted password or full ticket in any admin answer', async () => {
  const ticket = await login(server.origin);
  const trusted = await formPost(server.origin, 'CreateTicketforUser', {
    TrustedUserPwd: 'MyServerSecret',
    UserName: 'jsmith',
  });
  const second = rootAttribute(trusted.body, 'ticket') as string;
  await httpGet(server.origin, 'AuthenticateUser', { UID: 'jsmith', PWD: 'WrongSecret99' });
  await httpGet(server.origin, 'RenewTicket', {
    UID: 'jsmith',
    PWD: 'Secret123!',
    Lang: 'en',
    OldTicket: ticket,
  });
  await httpGet(server.origin, 'isValidTicket', { AuthenticationTicket: second });
  await httpGet(server.origin, 'LogOut', {}, { Cookie: `ticket=${second}` });
  const answers = await Promise.all(
    [
      '/_emulator/',
      '/_emulator/requests',
      '/_emulator/sessions',
      '/_emulator/sessions/report',
      '/_emulator/faults',
      '/_emulator/clock',
    ].map(async (path) => (await httpRequest(server.origin, path)).body),
  );
  const all = answers.join('\n');
  expect(all).toContain(ticketHash(ticket));
  expect(all).toContain('CreateTicketforUser');
  for (const secret of ['Secret123!', 'WrongSecret99', 'MyServerSecret', ticket, second])
    expect(all).not.toContain(secret);
  expect(await admin.countRequests()).toBe(6);
});

test('filters: operation, user, outcome, since; a count form', async () => {
  const ticket = await login(server.origin);
  await login(server.origin, 'admin', 'Admin123!');
  await httpGet(server.origin, 'LogOut', { AuthenticationTicket: ticket });
  server.clock.advance(60_000);
  await httpGet(server.origin, 'LogOut', { AuthenticationTicket: ticket });
  expect((await admin.requests({ operation: 'LogOut' })).map((r) => r.outcome)).toEqual(['success', 'E901']);
  expect(await admin.countRequests({ user: 'JSMITH' })).toBe(3);
  expect(await admin.countRequests({ user: 'admin' })).toBe(1);
  expect(await admin.countRequests({ outcome: 'E901' })).toBe(1);
  expect(await admin.countRequests({ since: '2026-11-21T12:00:30Z' })).toBe(1);
  expect(await admin.countRequests({ operation: 'LogOut', outcome: 'success', user: 'jsmith' })).toBe(1);
  const bad = await httpRequest(server.origin, '/_emulator/requests?since=yesterday');
  expect(bad.status).toBe(400);
  const raw = JSON.parse(
    (await httpRequest(server.origin, '/_emulator/requests/count?operation=LogOut')).body,
  );
  expect(raw).toMatchObject({ count: 2, scope: 'instance', capacity: 1000, instance: expect.any(String) });
  server.clock.set(Date.UTC(2026, 10, 21, 12, 0, 0));
});

test('DELETE clears it; a page or WSDL is no call', async () => {
  await httpRequest(server.origin, '/srv.asmx?WSDL');
  await login(server.origin);
  expect(await admin.countRequests()).toBe(1);
  await admin.clearRequests();
  expect(await admin.requests()).toEqual([]);
});

test('bounded by JOURNAL_SIZE: the newest calls stay', async () => {
  const small = await startTestServer({ journalSize: 3 });
  try {
    const smallAdmin = new EmulatorAdmin(small.origin);
    for (let i = 0; i < 5; i++)
      await httpGet(small.origin, 'isValidTicket', { AuthenticationTicket: `t${i}` });
    const kept = await smallAdmin.requests();
    expect(kept.map((r) => r.arguments.AuthenticationTicket)).toEqual(
      ['t2', 't3', 't4'].map((t) => `#${ticketHash(t)}`),
    );
    const off = await startTestServer({ journalSize: 0 });
    await login(off.origin);
    expect(await new EmulatorAdmin(off.origin).countRequests()).toBe(0);
    await off.close();
  } finally {
    await small.close();
  }
});
