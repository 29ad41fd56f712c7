/** Ticket semantics with an injected clock: sliding expiry, passive checks, renewal, LRU bound, accounts. */
import { DAY_MS } from '../src/clock';
import { httpGet, login, rootAttribute } from './support/http';
import { startTestServer, type TestServer } from './support/testServer';

const SECOND = 1000;

async function isValid(server: TestServer, ticket: string) {
  const res = await httpGet(server.origin, 'isValidTicket', { AuthenticationTicket: ticket });
  return { success: rootAttribute(res.body, 'success'), expireOn: rootAttribute(res.body, 'expireOn') };
}

async function renew(server: TestServer, oldTicket: string, uid = 'jsmith', pwd = 'Secret123!') {
  const res = await httpGet(server.origin, 'RenewTicket', {
    UID: uid,
    PWD: pwd,
    Lang: 'en',
    OldTicket: oldTicket,
  });
  return {
    ticket: rootAttribute(res.body, 'ticket'),
    error: rootAttribute(res.body, 'error'),
    body: res.body,
  };
}

describe('expiry', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(() => server.close());

  test('expireOn is 30 days after issue, in yyyy-MM-ddTHH:mm:ssZ', async () => {
    server.clock.set(Date.UTC(2026, 10, 21, 12, 13, 1, 750));
    const res = await httpGet(server.origin, 'AuthenticateUser', { UID: 'jsmith', PWD: 'Secret123!' });
    expect(rootAttribute(res.body, 'expireOn')).toBe('2026-12-21T12:13:01Z');
  });

  test('a ticket idle for 30 days is [901]; one second less is still alive', async () => {
    const idle = await login(server.origin);
    server.clock.advance(30 * DAY_MS - SECOND);
    expect((await isValid(server, idle)).success).toBe('true');
    server.clock.advance(2 * SECOND);
    expect((await isValid(server, idle)).success).toBe('false');
    const res = await httpGet(server.origin, 'LogOut', { AuthenticationTicket: idle });
    expect(rootAttribute(res.body, 'error')).toBe('[901] Session expired or Invalid ticket');
  });

  test('a ticket used on day 29 is alive on day 58 (sliding expiry)', async () => {
    const ticket = await login(server.origin);
    server.clock.advance(29 * DAY_MS);
    expect((await renew(server, ticket)).ticket).toBe(ticket);
    server.clock.advance(29 * DAY_MS);
    const check = await isValid(server, ticket);
    expect(check.success).toBe('true');
    expect(check.expireOn).toBe(new Date(server.clock.now() + DAY_MS).toISOString().replace('.000Z', 'Z'));
  });

  test('isValidTicket does not extend the ticket', async () => {
    const ticket = await login(server.origin);
    const issuedExpiry = (await isValid(server, ticket)).expireOn;
    server.clock.advance(20 * DAY_MS);
    expect(await isValid(server, ticket)).toEqual({ success: 'true', expireOn: issuedExpiry });
    server.clock.advance(10 * DAY_MS + SECOND);
    expect((await isValid(server, ticket)).success).toBe('false');
  });

  test('RenewTicket keeps a live ticket and replaces a dead one', async () => {
    const live = await login(server.origin);
    expect((await renew(server, live)).ticket).toBe(live);

    const dead = await login(server.origin);
    await httpGet(server.origin, 'LogOut', { AuthenticationTicket: dead });
    const replaced = (await renew(server, dead)).ticket as string;
    expect(replaced).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(replaced).not.toBe(dead);
    expect((await isValid(server, replaced)).success).toBe('true');
    expect((await isValid(server, dead)).success).toBe('false');

    const expired = await login(server.origin);
    server.clock.advance(31 * DAY_MS);
    const fresh = (await renew(server, expired)).ticket;
    expect(fresh).not.toBe(expired);
    expect((await isValid(server, fresh as string)).success).toBe('true');
  });

  test('RenewTicket checks the ticket format first, then the credentials', async () => {
    expect((await renew(server, 'not-a-guid', 'jsmith', 'wrong')).error).toBe('invalid ticket format');
    expect((await renew(server, '', 'jsmith', 'wrong')).error).toBe('[900] Authentication failed');
  });

  test("RenewTicket never hands back another user's ticket", async () => {
    const others = (
      await httpGet(server.origin, 'CreateTicketforUser', {
        TrustedUserPwd: 'MyServerSecret',
        UserName: 'jsmith',
      })
    ).body;
    const theirs = rootAttribute(others, 'ticket') as string;
    const adminRenewal = await renew(server, theirs, 'admin', 'Admin123!');
    expect(adminRenewal.ticket).not.toBe(theirs);
    expect(rootAttribute(adminRenewal.body, 'username')).toBe('admin');
  });

  test('the ticket cookie stands in for an empty OldTicket', async () => {
    const ticket = await login(server.origin);
    const res = await httpGet(
      server.origin,
      'RenewTicket',
      { UID: 'jsmith', PWD: 'Secret123!', Lang: 'en', OldTicket: '' },
      { Cookie: `ticket=${ticket}` },
    );
    expect(rootAttribute(res.body, 'ticket')).toBe(ticket);
  });
});

describe('the bound on live tickets', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ maxTickets: 3 });
  });
  afterAll(() => server.close());

  test('evicts the least recently used ticket', async () => {
    const [first, second, third] = [
      await login(server.origin),
      await login(server.origin),
      await login(server.origin),
    ];
    // Using the first ticket makes the second the least recently used.
    expect((await renew(server, first)).ticket).toBe(first);
    const fourth = await login(server.origin);
    expect((await isValid(server, second)).success).toBe('false');
    for (const alive of [first, third, fourth]) expect((await isValid(server, alive)).success).toBe('true');
  });
});

describe('accounts', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  const error = async (operation: string, params: Record<string, string>) =>
    rootAttribute((await httpGet(server.origin, operation, params)).body, 'error');

  test('UID is case-insensitive, the password is not', async () => {
    const res = await httpGet(server.origin, 'AuthenticateUser', { UID: 'JSmith', PWD: 'Secret123!' });
    expect(rootAttribute(res.body, 'username')).toBe('jsmith');
    expect(await error('AuthenticateUser', { UID: 'jsmith', PWD: 'secret123!' })).toBe(
      '[900] Authentication failed',
    );
  });

  test('an unknown user and a disabled user get [900]', async () => {
    expect(await error('AuthenticateUser', { UID: 'nobody', PWD: 'Secret123!' })).toBe(
      '[900] Authentication failed',
    );
    expect(await error('AuthenticateUser', { UID: 'mjones', PWD: 'Disabled123!' })).toBe(
      '[900] Authentication failed',
    );
    expect(await error('CreateTicketforUser', { TrustedUserPwd: 'MyServerSecret', UserName: 'mjones' })).toBe(
      '[900] Authentication failed',
    );
  });

  test('the system administrator gets [902] from CreateTicketforUser', async () => {
    expect(await error('CreateTicketforUser', { TrustedUserPwd: 'MyServerSecret', UserName: 'admin' })).toBe(
      '[902] Ticket generation are not allowed for this user.',
    );
    // A wrong trusted password is [900] even for the administrator: nothing is revealed.
    expect(await error('CreateTicketforUser', { TrustedUserPwd: 'x', UserName: 'admin' })).toBe(
      '[900] Authentication failed',
    );
  });

  test('a ticket from CreateTicketforUser is a live ticket of that user', async () => {
    const res = await httpGet(server.origin, 'CreateTicketforUser', {
      TrustedUserPwd: 'MyServerSecret',
      UserName: 'JSMITH',
    });
    const check = await httpGet(server.origin, 'isValidTicket', {
      AuthenticationTicket: rootAttribute(res.body, 'ticket') as string,
    });
    expect(rootAttribute(check.body, 'userid')).toBe('42');
  });
});
