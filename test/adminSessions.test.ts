/** Sessions, the leak report, its metric and shutdown line, and the reset, over HTTP. */
import { EmulatorAdmin } from '../src/index';
import type { LeakReport } from '../src/admin/sessionRegistry';
import { ticketHash } from '../src/admin/ticketHash';
import { httpGet, httpRequest, login, rootAttribute } from './support/http';
import { startLoggedServer, type LoggedServer } from './support/logSink';

let server: LoggedServer;
let admin: EmulatorAdmin;
beforeAll(async () => {
  server = await startLoggedServer();
  admin = new EmulatorAdmin(server.origin);
});
afterAll(() => server.close());
beforeEach(() => admin.reset());

const valid = async (ticket: string) =>
  rootAttribute(
    (await httpGet(server.origin, 'isValidTicket', { AuthenticationTicket: ticket })).body,
    'success',
  );
const signIn = async (userAgent: string, uid = 'jsmith', pwd = 'Secret123!') =>
  rootAttribute(
    (await httpGet(server.origin, 'AuthenticateUser', { UID: uid, PWD: pwd }, { 'User-Agent': userAgent }))
      .body,
    'ticket',
  ) as string;
const metric = async (reason: string) => {
  const text = (await httpRequest(server.origin, '/metrics')).body;
  return Number(
    new RegExp(`^asmx_sessions_ended_total\\{reason="${reason}"\\} (\\d+)$`, 'm').exec(text)?.[1],
  );
};

test('lists live tickets: user, ticket hash, issued, last used, expires, issuing operation and client', async () => {
  const ticket = await signIn('script-a');
  await admin.advanceClock('PT2H');
  await httpGet(server.origin, 'RenewTicket', {
    UID: 'jsmith',
    PWD: 'Secret123!',
    Lang: 'en',
    OldTicket: ticket,
  });
  const sessions = await admin.sessions();
  expect(sessions).toEqual([
    {
      user: 'jsmith',
      ticketHash: ticketHash(ticket),
      issued: '2026-11-21T12:00:00.000Z',
      lastUsed: '2026-11-21T14:00:00.000Z',
      expires: '2026-12-21T14:00:00.000Z',
      operation: 'AuthenticateUser',
      client: { address: '127.0.0.1', userAgent: 'script-a' },
    },
  ]);
});

test('POST issues a session for a user; DELETE by ticket or hash ends it as an expiry would', async () => {
  const issued = await admin.issueSession('JSmith');
  expect(issued).toMatchObject({
    user: 'jsmith',
    ticketHash: ticketHash(issued.ticket),
    expires: '2026-12-21T12:00:00.000Z',
  });
  expect(await valid(issued.ticket)).toBe('true');
  await admin.endSession(issued.ticketHash);
  expect(await valid(issued.ticket)).toBe('false');
  await expect(admin.endSession(issued.ticketHash)).rejects.toMatchObject({ status: 404 });
  const other = await login(server.origin);
  await admin.endSession(other);
  expect(await valid(other)).toBe('false');
  await expect(admin.issueSession('nobody')).rejects.toMatchObject({ status: 404 });
  expect((await admin.leakReport()).totals).toMatchObject({ endedByAdmin: 2, loggedOut: 0, open: 0 });
});

test('the leak report per client and per user, and asmx_sessions_ended_total', async () => {
  const before = {
    logout: await metric('logout'),
    expired: await metric('expired'),
    admin: await metric('admin'),
  };
  const loggedOut = await signIn('tidy-script');
  await httpGet(server.origin, 'LogOut', { AuthenticationTicket: loggedOut });
  await signIn('leaky-script'); // never logged out
  await admin.advanceClock('P31D');
  const open = await signIn('leaky-script', 'admin', 'Admin123!');
  await admin.advanceClock('PT20M');
  const report = await admin.leakReport();
  expect(report.idleThresholdMs).toBe(15 * 60_000);
  expect(report.totals).toEqual({
    loggedOut: 1,
    expiredWithoutLogout: 1,
    evictedWithoutLogout: 0,
    endedByAdmin: 0,
    open: 1,
    openIdle: 1,
  });
  const client = (ua: string) => report.byClient.find((c) => c.client.userAgent === ua);
  expect(client('tidy-script')).toMatchObject({
    client: { address: '127.0.0.1' },
    loggedOut: 1,
    expiredWithoutLogout: 0,
    open: 0,
  });
  expect(client('leaky-script')).toMatchObject({
    loggedOut: 0,
    expiredWithoutLogout: 1,
    open: 1,
    openIdle: 1,
  });
  expect(report.byUser.find((u) => u.user === 'jsmith')).toMatchObject({
    loggedOut: 1,
    expiredWithoutLogout: 1,
    open: 0,
  });
  expect(report.byUser.find((u) => u.user === 'admin')).toMatchObject({ open: 1, openIdle: 1 });
  expect((await admin.leakReport('PT30M')).totals.openIdle).toBe(0);
  expect(await metric('logout')).toBe(before.logout + 1);
  expect(await metric('expired')).toBe(before.expired + 1);
  await admin.endSession(open);
  expect(await metric('admin')).toBe(before.admin + 1);
  expect((await httpRequest(server.origin, '/_emulator/sessions/report?idle=soon')).status).toBe(400);
});

test('a ticket the memory store bound drops counts as evicted, in the report and the metric', async () => {
  const small = await startLoggedServer({ maxTickets: 2 });
  try {
    const ended = async (reason: string) => {
      const text = (await httpRequest(small.origin, '/metrics')).body;
      const match = new RegExp(`^asmx_sessions_ended_total\\{reason="${reason}"\\} (\\d+)$`, 'm').exec(text);
      return Number(match?.[1]);
    };
    const signInHere = async (userAgent: string, uid: string, pwd: string) =>
      rootAttribute(
        (await httpGet(small.origin, 'AuthenticateUser', { UID: uid, PWD: pwd }, { 'User-Agent': userAgent }))
          .body,
        'ticket',
      ) as string;
    const first = await signInHere('forgetful-script', 'jsmith', 'Secret123!');
    await signInHere('busy-script', 'admin', 'Admin123!');
    await signInHere('busy-script', 'admin', 'Admin123!'); // one past the bound: the least recently used goes
    const check = await httpGet(small.origin, 'isValidTicket', { AuthenticationTicket: first });
    expect(rootAttribute(check.body, 'success')).toBe('false');
    const res = await httpRequest(small.origin, '/_emulator/sessions/report');
    expect(res.status).toBe(200);
    const report = JSON.parse(res.body) as LeakReport;
    expect(report.totals).toMatchObject({
      evictedWithoutLogout: 1,
      loggedOut: 0,
      expiredWithoutLogout: 0,
      open: 2,
    });
    expect(report.byClient.find((c) => c.client.userAgent === 'forgetful-script')).toMatchObject({
      client: { address: '127.0.0.1' },
      evictedWithoutLogout: 1,
      open: 0,
    });
    expect(report.byClient.find((c) => c.client.userAgent === 'busy-script')).toMatchObject({
      evictedWithoutLogout: 0,
      open: 2,
    });
    expect(report.byUser.find((u) => u.user === 'jsmith')).toMatchObject({
      evictedWithoutLogout: 1,
      open: 0,
    });
    expect(await ended('evicted')).toBe(1);
    expect(await ended('expired')).toBe(0);
  } finally {
    await small.close();
  }
});

test('reset clears tickets, journal, faults and clock', async () => {
  const ticket = await login(server.origin);
  await admin.armFault({ fault: 'http-500', operation: 'Nope' });
  await admin.advanceClock('P1D');
  await admin.reset();
  expect(await admin.sessions()).toEqual([]);
  expect(await admin.faults()).toEqual([]);
  expect((await admin.clock()).real).toBe(true);
  expect(await admin.countRequests()).toBe(0);
  expect(await valid(ticket)).toBe('false');
});

test('one summary line at shutdown, without tickets', async () => {
  const own = await startLoggedServer();
  const ownAdmin = new EmulatorAdmin(own.origin);
  const ticket = await login(own.origin);
  await login(own.origin);
  await httpGet(own.origin, 'LogOut', { AuthenticationTicket: ticket });
  await ownAdmin.advanceClock('P31D');
  await own.close();
  const summaries = own.logs.entries.filter((e) => e.msg === 'session summary at shutdown');
  expect(summaries).toHaveLength(1);
  expect(summaries[0]).toMatchObject({ sessions: { loggedOut: 1, expiredWithoutLogout: 1, open: 0 } });
  expect(JSON.stringify(own.logs.entries)).not.toContain(ticket);
});
