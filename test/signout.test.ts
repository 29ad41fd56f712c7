/** Signing out across sites: cookie clearing, safe redirects, AJAX, the CSRF guard, webhooks, login redirect. */
import { createHmac, createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DAY_MS } from '../src/clock';
import { TRANSPORTS, httpGet, httpRequest, login, rootAttribute, type TransportName } from './support/http';
import { startTestServer, type TestServer } from './support/testServer';

const EXPIRED_TICKET_COOKIE =
  'ticket=; Max-Age=0; Domain=example.test; Path=/app; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax';

function setCookies(res: { headers: http.IncomingHttpHeaders }): string[] {
  return res.headers['set-cookie'] ?? [];
}

async function alive(server: TestServer, ticket: string): Promise<boolean> {
  const res = await httpGet(server.origin, 'isValidTicket', { AuthenticationTicket: ticket });
  return rootAttribute(res.body, 'success') === 'true';
}

describe('cookie clearing and redirects', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      cookiePath: '/app',
      cookieDomain: 'example.test',
      clearCookies: 'portal_session, portal_profile',
      logoutLandingUrl: '/signed-out',
      redirectAllowedHosts: 'portal.example.com',
    });
  });
  afterAll(() => server.close());

  test.each(Object.keys(TRANSPORTS) as TransportName[])(
    'a LogOut by the ticket cookie over %s clears the cookies',
    async (transport) => {
      const ticket = await login(server.origin);
      const res = await TRANSPORTS[transport](
        server.origin,
        'LogOut',
        { AuthenticationTicket: '' },
        { Cookie: `ticket=${ticket}` },
      );
      expect(rootAttribute(res.body, 'success')).toBe('true');
      expect(setCookies(res)).toEqual([
        EXPIRED_TICKET_COOKIE,
        EXPIRED_TICKET_COOKIE.replace('ticket=', 'portal_session='),
        EXPIRED_TICKET_COOKIE.replace('ticket=', 'portal_profile='),
      ]);
    },
  );

  test('a LogOut by parameter, or one that fails, leaves cookies alone', async () => {
    const ticket = await login(server.origin);
    expect(setCookies(await httpGet(server.origin, 'LogOut', { AuthenticationTicket: ticket }))).toEqual([]);
    expect(setCookies(await httpGet(server.origin, 'LogOut', {}, { Cookie: `ticket=${ticket}` }))).toEqual(
      [],
    );
  });

  test('cookies are Secure when the request came over HTTPS (behind a trusted proxy)', async () => {
    const secure = await startTestServer({ trustProxy: true });
    try {
      const ticket = await login(secure.origin);
      const res = await httpGet(
        secure.origin,
        'LogOut',
        {},
        { Cookie: `ticket=${ticket}`, 'X-Forwarded-Proto': 'https' },
      );
      expect(setCookies(res)).toEqual([
        'ticket=; Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Lax',
      ]);
    } finally {
      await secure.close();
    }
  });

  const logoutPath = (returnUrl: string, key = 'returnUrl') =>
    `/logout?${key}=${encodeURIComponent(returnUrl)}`;

  test('GET /logout ends the session, clears the cookies and follows a relative returnUrl', async () => {
    const ticket = await login(server.origin);
    const res = await httpRequest(server.origin, logoutPath('/bye?x=1'), {
      headers: { Cookie: `ticket=${ticket}` },
    });
    expect([res.status, res.headers.location]).toEqual([302, '/bye?x=1']);
    expect(setCookies(res)).toHaveLength(3);
    expect(await alive(server, ticket)).toBe(false);
  });

  test('POST /logout with a form and logoutSuccessUrl to an allowed host', async () => {
    const ticket = await login(server.origin);
    const res = await httpRequest(server.origin, '/logout', {
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `ticket=${ticket}&logoutSuccessUrl=${encodeURIComponent('https://portal.example.com/done')}`,
    });
    expect([res.status, res.headers.location]).toEqual([302, 'https://portal.example.com/done']);
    expect(await alive(server, ticket)).toBe(false);
  });

  test('without a returnUrl it lands on the configured landing page', async () => {
    const res = await httpRequest(server.origin, `/logout?ticket=${await login(server.origin)}`);
    expect(res.headers.location).toBe('/signed-out');
  });

  test.each([
    '//evil.example',
    '/\\evil.example',
    '\\\\evil.example',
    'https:evil.example',
    'https:/evil.example',
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'https://evil.example/',
    'HTTPS://EVIL.EXAMPLE',
    'https://portal.example.com@evil.example/',
    'https://portal.example.com.evil.example/',
    '%2F%2Fevil.example',
    '/%2F%2Fevil.example'.replace('/%2F', '%2F'),
    '/\t/evil.example',
    '/\n/evil.example',
    ' //evil.example',
    '//\tevil.example',
    'evil.example',
  ])('an open redirect to %j goes to the landing page', async (returnUrl) => {
    const res = await httpRequest(server.origin, logoutPath(returnUrl), {
      headers: { Cookie: `ticket=${await login(server.origin)}` },
    });
    expect([res.status, res.headers.location]).toEqual([302, '/signed-out']);
  });

  test('double-encoded forms stay encoded and are refused', async () => {
    const res = await httpRequest(server.origin, `/logout?returnUrl=%252F%252Fevil.example`);
    expect(res.headers.location).toBe('/signed-out');
  });

  test('without a valid ticket it still clears cookies and redirects', async () => {
    const res = await httpRequest(server.origin, logoutPath('/bye'), { headers: { Cookie: 'ticket=nope' } });
    expect([res.status, res.headers.location]).toEqual([302, '/bye']);
    expect(setCookies(res)).toHaveLength(3);
  });

  test('an unsupported verb on /logout is 405', async () => {
    expect((await httpRequest(server.origin, '/logout', { method: 'PUT' })).status).toBe(405);
  });
});

describe('error URL, AJAX and login redirect', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      logoutErrorUrl: 'https://portal.example.com/error?code=%error_code%',
      externalLoginUrl: 'https://portal.example.com/login?next=%next_page%',
    });
  });
  afterAll(() => server.close());

  test('without a valid ticket /logout goes to the error URL with the code', async () => {
    const res = await httpRequest(server.origin, '/logout?returnUrl=/bye&ticket=nope');
    expect([res.status, res.headers.location]).toEqual([302, 'https://portal.example.com/error?code=901']);
    expect(setCookies(res)).toHaveLength(1);
  });

  test('AJAX sign-out answers JSON', async () => {
    const ticket = await login(server.origin);
    const ajax = () =>
      httpRequest(server.origin, '/logout', {
        method: 'POST',
        headers: { Accept: 'application/json', Cookie: `ticket=${ticket}` },
      });
    const first = await ajax();
    expect([first.status, first.headers['content-type'], JSON.parse(first.body)]).toEqual([
      200,
      'application/json; charset=utf-8',
      { logoutSuccess: true },
    ]);
    expect(JSON.parse((await ajax()).body)).toEqual({
      logoutSuccess: false,
      error: '[901] Session expired or Invalid ticket',
    });
  });

  test('GET /login redirects to the external login page with next encoded', async () => {
    const res = await httpRequest(server.origin, `/login?next=${encodeURIComponent('/docs/a%20b?c=1&d=2')}`);
    expect([res.status, res.headers.location]).toEqual([
      302,
      `https://portal.example.com/login?next=${encodeURIComponent('/docs/a%20b?c=1&d=2')}`,
    ]);
    const evil = await httpRequest(server.origin, `/login?next=${encodeURIComponent('//evil.example')}`);
    expect(evil.headers.location).toBe('https://portal.example.com/login?next=%2F');
  });

  test('without an external login page /login is 404', async () => {
    const plain = await startTestServer();
    try {
      expect((await httpRequest(plain.origin, '/login?next=/')).status).toBe(404);
    } finally {
      await plain.close();
    }
  });
});

describe('CSRF guard', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      csrfGuard: true,
      csrfSecret: 's3cret',
      csrfAllowedOrigins: 'https://portal.example.com',
    });
  });
  afterAll(() => server.close());

  async function signIn(): Promise<{ ticket: string; token: string }> {
    const res = await httpGet(server.origin, 'AuthenticateUser', { UID: 'jsmith', PWD: 'Secret123!' });
    return {
      ticket: rootAttribute(res.body, 'ticket') as string,
      token: String(res.headers['x-csrf-token']),
    };
  }

  test('is off by default: a cookie-only LogOut needs no token', async () => {
    const open = await startTestServer();
    try {
      const ticket = await login(open.origin);
      const res = await httpGet(open.origin, 'LogOut', {}, { Cookie: `ticket=${ticket}` });
      expect(rootAttribute(res.body, 'success')).toBe('true');
      expect(res.headers['x-csrf-token']).toBeUndefined();
    } finally {
      await open.close();
    }
  });

  test('a token is issued with every ticket', async () => {
    const { ticket, token } = await signIn();
    expect(token).toBe(createHmac('sha256', 's3cret').update(ticket).digest('base64url'));
  });

  test.each(Object.keys(TRANSPORTS) as TransportName[])(
    'blocks a cookie-only LogOut without the token over %s, and the ticket stays alive',
    async (transport) => {
      const { ticket } = await signIn();
      const res = await TRANSPORTS[transport](
        server.origin,
        'LogOut',
        {},
        { Cookie: `ticket=${ticket}`, 'X-CSRF-TOKEN': 'wrong' },
      );
      expect(res.status).toBe(403);
      expect(res.body).toContain('CSRF check failed');
      expect(await alive(server, ticket)).toBe(true);
    },
  );

  test('lets through the matching token, an allowed Origin, or a ticket given as a parameter', async () => {
    const a = await signIn();
    expect(
      rootAttribute(
        (
          await httpGet(
            server.origin,
            'LogOut',
            {},
            { Cookie: `ticket=${a.ticket}`, 'X-CSRF-TOKEN': a.token },
          )
        ).body,
        'success',
      ),
    ).toBe('true');
    const b = await signIn();
    expect(
      rootAttribute(
        (
          await httpGet(
            server.origin,
            'LogOut',
            {},
            { Cookie: `ticket=${b.ticket}`, Origin: 'https://portal.example.com' },
          )
        ).body,
        'success',
      ),
    ).toBe('true');
    const c = await signIn();
    expect(
      rootAttribute(
        (await httpGet(server.origin, 'LogOut', { AuthenticationTicket: c.ticket })).body,
        'success',
      ),
    ).toBe('true');
  });

  test('guards /logout too', async () => {
    const { ticket, token } = await signIn();
    const blocked = await httpRequest(server.origin, '/logout', {
      method: 'POST',
      headers: { Cookie: `ticket=${ticket}`, Origin: 'https://evil.example' },
    });
    expect(blocked.status).toBe(403);
    expect(setCookies(blocked)).toEqual([]);
    expect(await alive(server, ticket)).toBe(true);
    const allowed = await httpRequest(server.origin, '/logout', {
      method: 'POST',
      headers: { Cookie: `ticket=${ticket}`, 'X-CSRF-TOKEN': token },
    });
    expect(allowed.status).toBe(302);
    expect(await alive(server, ticket)).toBe(false);
  });
});

describe('logout webhooks', () => {
  interface Received {
    body: string;
    signature: string | undefined;
  }
  let receiver: http.Server;
  let received: Received[];
  let answers: number[];
  let server: TestServer;

  beforeAll(async () => {
    received = [];
    answers = [];
    receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ body, signature: req.headers['x-asmx-signature-256'] as string | undefined });
        res.statusCode = answers.shift() ?? 200;
        res.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    server = await startTestServer({
      logoutWebhooks: url,
      webhookSecret: 'hook-secret',
      webhookRetryBaseMs: 50,
      webhookMaxAttempts: 3,
    });
  });
  afterAll(async () => {
    await server.close();
    await new Promise((resolve) => receiver.close(resolve));
  });

  beforeEach(() => {
    received.length = 0;
  });

  const waitFor = async (count: number) => {
    const deadline = Date.now() + 5000;
    while (received.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  };

  test('a LogOut is announced once, signed, with a hash of the ticket; one retry after a 500', async () => {
    answers.push(500);
    const ticket = await login(server.origin);
    const logout = await httpGet(server.origin, 'LogOut', { AuthenticationTicket: ticket });
    expect(rootAttribute(logout.body, 'success')).toBe('true');
    await waitFor(2);
    await new Promise((r) => setTimeout(r, 300));
    expect(received).toHaveLength(2);
    const [first, retry] = received as [Received, Received];
    expect(retry.body).toBe(first.body);
    for (const delivery of received) {
      expect(delivery.signature).toBe(
        `sha256=${createHmac('sha256', 'hook-secret').update(delivery.body).digest('hex')}`,
      );
    }
    const payload = JSON.parse(first.body) as Record<string, unknown>;
    expect(payload).toEqual({
      ticketHash: createHash('sha256').update(ticket).digest('hex'),
      user: 'jsmith',
      reason: 'logout',
      at: new Date(server.clock.now()).toISOString(),
    });
    expect(first.body).not.toContain(ticket);
    expect(server.emulator.signOut.webhooks.counts).toMatchObject({ delivered: 1, retried: 1, failed: 0 });
  });

  test('a failing receiver never delays or fails the LogOut answer', async () => {
    answers.push(500, 500, 500);
    const ticket = await login(server.origin);
    const started = Date.now();
    const logout = await httpGet(server.origin, 'LogOut', { AuthenticationTicket: ticket });
    expect(Date.now() - started).toBeLessThan(200);
    expect(rootAttribute(logout.body, 'success')).toBe('true');
    await waitFor(3);
    await server.emulator.signOut.webhooks.drain();
    expect(received).toHaveLength(3);
    expect(server.emulator.signOut.webhooks.counts.failed).toBe(1);
  });

  test('expiry and failed LogOuts are not announced', async () => {
    const ticket = await login(server.origin);
    server.clock.advance(31 * DAY_MS);
    await httpGet(server.origin, 'LogOut', { AuthenticationTicket: ticket });
    await httpGet(server.origin, 'LogOut', { AuthenticationTicket: 'unknown' });
    await server.emulator.signOut.webhooks.drain();
    expect(received).toHaveLength(0);
  });
});
