/** LogOut on every transport, by parameter and by cookie, and its effect across transports. */
import { TRANSPORTS, login, rootAttribute, type TransportName } from './support/http';
import { startTestServer, type TestServer } from './support/testServer';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const transports = Object.keys(TRANSPORTS) as TransportName[];
const INVALID = '[901] Session expired or Invalid ticket';

async function call(
  transport: TransportName,
  operation: string,
  params: Record<string, string>,
  cookie?: string,
) {
  const res = await TRANSPORTS[transport](server.origin, operation, params, cookie ? { Cookie: cookie } : {});
  expect(res.status).toBe(200);
  return { success: rootAttribute(res.body, 'success'), error: rootAttribute(res.body, 'error') };
}

describe.each(transports)('LogOut over %s', (transport) => {
  test('by parameter ends the session; a second LogOut is [901]', async () => {
    const ticket = await login(server.origin);
    expect(await call(transport, 'LogOut', { AuthenticationTicket: ticket })).toEqual({
      success: 'true',
      error: undefined,
    });
    expect(await call(transport, 'LogOut', { AuthenticationTicket: ticket })).toEqual({
      success: 'false',
      error: INVALID,
    });
  });

  test('by the ticket cookie when the parameter is empty', async () => {
    const ticket = await login(server.origin);
    expect(await call(transport, 'LogOut', { AuthenticationTicket: '' }, `ticket=${ticket}`)).toEqual({
      success: 'true',
      error: undefined,
    });
    expect(await call(transport, 'isValidTicket', { AuthenticationTicket: ticket })).toEqual({
      success: 'false',
      error: INVALID,
    });
  });

  test('by the ticket cookie when the parameter is absent', async () => {
    const ticket = await login(server.origin);
    expect(await call(transport, 'LogOut', {}, `other=1; ticket=${ticket}`)).toEqual({
      success: 'true',
      error: undefined,
    });
  });

  test('the parameter wins over the cookie', async () => {
    const [byParam, byCookie] = [await login(server.origin), await login(server.origin)];
    await call(transport, 'LogOut', { AuthenticationTicket: byParam }, `ticket=${byCookie}`);
    expect((await call(transport, 'isValidTicket', { AuthenticationTicket: byParam })).success).toBe('false');
    expect((await call(transport, 'isValidTicket', { AuthenticationTicket: byCookie })).success).toBe('true');
  });

  test('an unknown, empty or garbage ticket is [901]', async () => {
    for (const ticket of ['', '00000000-0000-4000-8000-000000000000', 'garbage', ' ']) {
      expect(await call(transport, 'LogOut', { AuthenticationTicket: ticket })).toEqual({
        success: 'false',
        error: INVALID,
      });
    }
  });

  test('a ticket logged out here is [901] on every other transport', async () => {
    const ticket = await login(server.origin);
    await call(transport, 'LogOut', { AuthenticationTicket: ticket });
    for (const other of transports) {
      expect(await call(other, 'isValidTicket', { AuthenticationTicket: ticket })).toEqual({
        success: 'false',
        error: INVALID,
      });
      expect(await call(other, 'LogOut', { AuthenticationTicket: ticket })).toEqual({
        success: 'false',
        error: INVALID,
      });
    }
  });
});

test('a ticket issued on one transport is valid on every other', async () => {
  const res = await TRANSPORTS.soap12(server.origin, 'AuthenticateUser', {
    UID: 'jsmith',
    PWD: 'Secret123!',
  });
  const ticket = rootAttribute(res.body, 'ticket') as string;
  for (const transport of transports) {
    expect((await call(transport, 'isValidTicket', { AuthenticationTicket: ticket })).success).toBe('true');
  }
});
