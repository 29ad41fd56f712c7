/**
 * Every captured exchange of the reference ASMX stack, reproduced over HTTP byte for byte
 * (status, content type, caching headers, length and body), apart from ticket and expireOn values.
 */
import { formPost, httpGet, httpRequest, login, soap11, soap12, type HttpResult } from './support/http';
import { goldenNames, normalizeVolatile, readGolden } from './support/golden';
import path from 'node:path';
import { startTestServer, type TestServer } from './support/testServer';

/** The default session service, and /srv.asmx replaced by the example's 26-operation WSDL. */
const SERVERS = {
  'the default session service': {},
  'the example WSDL at /srv.asmx': {
    services: [
      {
        path: '/srv.asmx',
        wsdl: path.join(__dirname, '..', 'examples', 'inforouter-documents', 'srv-full.wsdl'),
        stubs: path.join(__dirname, '..', 'examples', 'inforouter-documents', 'stubs'),
      },
    ],
  },
} as const;
const servers = new Map<string, TestServer>();
beforeAll(async () => {
  for (const [label, config] of Object.entries(SERVERS)) servers.set(label, await startTestServer(config));
});
afterAll(async () => {
  for (const server of servers.values()) await server.close();
});

type Scenario = (origin: string) => Promise<HttpResult>;

const twice = (once: (origin: string, ticket: string) => Promise<HttpResult>) => async (origin: string) => {
  const ticket = await login(origin);
  await once(origin, ticket);
  return once(origin, ticket);
};

const scenarios: Record<string, Scenario> = {
  'get-logout-ok': async (o) => httpGet(o, 'LogOut', { AuthenticationTicket: await login(o) }),
  'get-logout-again': twice((o, t) => httpGet(o, 'LogOut', { AuthenticationTicket: t })),
  'get-logout-empty-param': (o) => httpGet(o, 'LogOut', { AuthenticationTicket: '' }),
  'get-logout-cookie': async (o) =>
    httpGet(o, 'LogOut', { AuthenticationTicket: '' }, { Cookie: `ticket=${await login(o)}` }),
  'get-valid-after-cookie-logout': async (o) => {
    const ticket = await login(o);
    await httpGet(o, 'LogOut', { AuthenticationTicket: '' }, { Cookie: `ticket=${ticket}` });
    return httpGet(o, 'isValidTicket', { AuthenticationTicket: ticket });
  },
  'post-logout-ok': async (o) => formPost(o, 'LogOut', { AuthenticationTicket: await login(o) }),
  'post-logout-again': twice((o, t) => formPost(o, 'LogOut', { AuthenticationTicket: t })),
  'post-logout-cookie': async (o) =>
    formPost(o, 'LogOut', { AuthenticationTicket: '' }, { Cookie: `ticket=${await login(o)}` }),
  'soap11-logout-ok': async (o) => soap11(o, 'LogOut', { AuthenticationTicket: await login(o) }),
  'soap11-logout-again': twice((o, t) => soap11(o, 'LogOut', { AuthenticationTicket: t })),
  'soap11-logout-cookie': async (o) => soap11(o, 'LogOut', {}, { Cookie: `ticket=${await login(o)}` }),
  'soap12-logout-ok': async (o) => soap12(o, 'LogOut', { AuthenticationTicket: await login(o) }),
  'soap12-logout-again': twice((o, t) => soap12(o, 'LogOut', { AuthenticationTicket: t })),
  'soap11-wrong-ns': async (o) =>
    httpRequest(o, '/srv.asmx', {
      headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: '"http://tempuri.org/LogOut"' },
      body:
        '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>' +
        `<LogOut xmlns="http://example.com/"><AuthenticationTicket>${await login(o)}</AuthenticationTicket></LogOut>` +
        '</soap:Body></soap:Envelope>',
    }),
  'soap11-login-ok': (o) => soap11(o, 'AuthenticateUser', { UID: 'jsmith', PWD: 'Secret123!' }),
  'get-login-ok': (o) => httpGet(o, 'AuthenticateUser', { UID: 'jsmith', PWD: 'Secret123!' }),
  'get-login-bad': (o) => httpGet(o, 'AuthenticateUser', { UID: 'jsmith', PWD: 'wrong' }),
  'get-ticketforuser-ok': (o) =>
    httpGet(o, 'CreateTicketforUser', { TrustedUserPwd: 'MyServerSecret', UserName: 'jsmith' }),
  'get-ticketforuser-bad': (o) =>
    httpGet(o, 'CreateTicketforUser', { TrustedUserPwd: 'nope', UserName: 'jsmith' }),
  'get-valid-ok': async (o) => httpGet(o, 'isValidTicket', { AuthenticationTicket: await login(o) }),
  'get-renew-ok': async (o) =>
    httpGet(o, 'RenewTicket', { UID: 'jsmith', PWD: 'Secret123!', Lang: 'en', OldTicket: await login(o) }),
  'get-renew-fresh': (o) =>
    httpGet(o, 'RenewTicket', { UID: 'jsmith', PWD: 'Secret123!', Lang: 'en', OldTicket: '' }),
  'get-renew-bad-format': (o) =>
    httpGet(o, 'RenewTicket', { UID: 'jsmith', PWD: 'Secret123!', Lang: 'en', OldTicket: 'not-a-guid' }),
  // The captured disco names the host it was served from; ask as that host.
  'get-disco': (o) => httpRequest(o, '/srv.asmx?disco', { headers: { Host: '127.0.0.1:8090' } }),
};

test('every captured exchange has a scenario', () => {
  expect(Object.keys(scenarios).sort()).toEqual(goldenNames());
});

describe.each(goldenNames())('%s', (name) => {
  test.each(Object.keys(SERVERS))('is reproduced byte for byte by %s', async (label) => {
    const golden = readGolden(name);
    const scenario = scenarios[name];
    if (!scenario) throw new Error(`no scenario for ${name}`);
    const actual = await scenario((servers.get(label) as TestServer).origin);

    expect(actual.status).toBe(golden.status);
    expect(actual.headers['content-type']).toBe(golden.headers['content-type']);
    expect(actual.headers['cache-control']).toBe(golden.headers['cache-control']);
    expect(actual.headers['x-aspnet-version']).toBe(golden.headers['x-aspnet-version']);
    expect(Number(actual.headers['content-length'])).toBe(Buffer.byteLength(actual.body));
    // Tickets and expireOn have fixed widths, so even the length must match the capture.
    expect(actual.headers['content-length']).toBe(golden.headers['content-length']);
    expect(normalizeVolatile(actual.body)).toBe(normalizeVolatile(golden.body));
  });
});

test('the normalisation only hides tickets and expireOn', () => {
  const body = readGolden('get-login-ok').body;
  expect(normalizeVolatile(body)).toBe(
    '<?xml version="1.0" encoding="utf-8"?>\n<root success="true" ticket="<ticket>" userid="42" username="jsmith" ' +
      'firstName="John" lastName="Smith" fullname="John Smith" email="jsmith@example.com" expireOn="<expireOn>" isAuthenticated="True" />',
  );
});
