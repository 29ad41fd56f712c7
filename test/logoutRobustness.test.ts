/**
 * /logout and /login against hostile clients: malformed, oversized and wrongly typed requests are
 * refused with a short 4xx (never the 500 handler) and change nothing; encoded redirect variants
 * that a browser could turn into another site go to the landing page. Requests go over raw
 * sockets, byte for byte, because HTTP clients normalise exactly the things under test.
 */
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { StoreUnavailableError, type TicketStore } from '../src/tickets/TicketStore';
import { httpGet, httpRequest, login, rootAttribute } from './support/http';
import { rawExchange } from './support/rawSocket';
import { startTestServer, type TestServer } from './support/testServer';

interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string[]>;
  readonly body: string;
  readonly closed: boolean;
}

interface RawRequest {
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
  /** Sent as they are after the headers (for chunked or missing bodies); replaces `body`. */
  readonly pieces?: ReadonlyArray<string | Buffer | { waitMs: number }>;
}

function parseResponse(received: string, closed: boolean): RawResponse {
  const end = received.indexOf('\r\n\r\n');
  if (end < 0) return { status: 0, headers: {}, body: received, closed };
  const [statusLine = '', ...lines] = received.slice(0, end).split('\r\n');
  const headers: Record<string, string[]> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    (headers[name] ??= []).push(line.slice(colon + 1).trim());
  }
  const body = Buffer.from(received.slice(end + 4), 'latin1').toString('utf8');
  return { status: Number(statusLine.split(' ')[1]), headers, body, closed };
}

const header = (res: RawResponse, name: string): string | undefined => res.headers[name]?.[0];

let server: TestServer;

/** One request on its own connection, exactly as written. */
async function raw(method: string, target: string, request: RawRequest = {}): Promise<RawResponse> {
  const body = request.body === undefined ? undefined : Buffer.from(request.body);
  const headers: Record<string, string> = {
    Host: new URL(server.origin).host,
    Connection: 'close',
    ...(body ? { 'Content-Length': String(body.length) } : {}),
    ...request.headers,
  };
  const head = `${method} ${target} HTTP/1.1\r\n${Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('')}\r\n`;
  const pieces = [Buffer.from(head, 'latin1'), ...(request.pieces ?? (body ? [body] : []))];
  const exchange = await rawExchange(server.origin, pieces, { timeoutMs: 4000 });
  return parseResponse(exchange.received, exchange.closed);
}

const FORM = 'application/x-www-form-urlencoded';

function postForm(body: string | Buffer, headers: Record<string, string> = {}): Promise<RawResponse> {
  return raw('POST', '/logout', { headers: { 'Content-Type': FORM, ...headers }, body });
}

function postJson(body: string | Buffer, headers: Record<string, string> = {}): Promise<RawResponse> {
  return raw('POST', '/logout', { headers: { 'Content-Type': 'application/json', ...headers }, body });
}

async function alive(ticket: string): Promise<boolean> {
  const res = await httpGet(server.origin, 'isValidTicket', { AuthenticationTicket: ticket });
  return rootAttribute(res.body, 'success') === 'true';
}

beforeAll(async () => {
  server = await startTestServer({
    logoutLandingUrl: '/signed-out',
    redirectAllowedHosts: 'portal.example.com',
    externalLoginUrl: 'https://portal.example.com/login?next=%next_page%',
  });
});
afterAll(() => server.close());

describe('a refused /logout changes nothing and never reaches the 500 handler', () => {
  /**
   * Sends a request authenticated by the ticket cookie and checks the refusal: the status, a
   * short text/plain message (no internals), no cookie cleared, the session still alive.
   */
  async function expectRefused(
    send: (cookie: string) => Promise<RawResponse>,
    status: number,
    message: RegExp,
  ): Promise<RawResponse> {
    const ticket = await login(server.origin);
    const res = await send(`ticket=${ticket}`);
    expect({ status: res.status, type: header(res, 'content-type') }).toEqual({
      status,
      type: 'text/plain; charset=utf-8',
    });
    expect(res.body).toMatch(message);
    expect(res.body.length).toBeLessThan(200);
    expect(res.body).not.toMatch(/Internal error|at \w+ \(|node_modules|SyntaxError/);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.headers['location']).toBeUndefined();
    expect(await alive(ticket)).toBe(true);
    return res;
  }

  test('broken JSON with Content-Type: application/json is 400', async () => {
    await expectRefused((Cookie) => postJson('{"returnUrl": "/bye",', { Cookie }), 400, /JSON/);
  });

  test.each([
    ['returnUrl as an array', '{"returnUrl": ["/a", "/b"]}', /returnUrl/],
    ['returnUrl as an object', '{"returnUrl": {"x": 1}}', /returnUrl/],
    ['logoutSuccessUrl as a number', '{"logoutSuccessUrl": 5}', /logoutSuccessUrl/],
    ['ticket as a boolean', '{"ticket": true}', /ticket/],
    ['an array at the top', '[{"returnUrl": "/bye"}]', /object/],
    ['a string at the top', '"/bye"', /JSON/],
  ])('a JSON body with %s is 400', async (_name, body, message) => {
    await expectRefused((Cookie) => postJson(body, { Cookie }), 400, message);
  });

  test('a form body over the 16 KiB limit is 413', async () => {
    const res = await expectRefused(
      (Cookie) => postForm(`returnUrl=/bye&pad=${'x'.repeat(17 * 1024)}`, { Cookie }),
      413,
      /too large/,
    );
    expect(header(res, 'connection')).toBe('close');
  });

  test('an oversized declared body is refused at once, before it is sent', async () => {
    const started = Date.now();
    await expectRefused(
      (Cookie) =>
        raw('POST', '/logout', {
          headers: { 'Content-Type': FORM, 'Content-Length': String(10 * 1024 * 1024), Cookie },
          pieces: [],
        }),
      413,
      /too large/,
    );
    expect(Date.now() - started).toBeLessThan(2000);
  });

  test('a chunked form body that grows over the limit is 413', async () => {
    const chunk = `1000\r\n${'x'.repeat(0x1000)}\r\n`;
    await expectRefused(
      (Cookie) =>
        raw('POST', '/logout', {
          headers: { 'Content-Type': FORM, 'Transfer-Encoding': 'chunked', Cookie },
          pieces: [`4\r\npad=\r\n`, ...Array.from({ length: 6 }, () => chunk), '0\r\n\r\n'],
        }),
      413,
      /too large/,
    );
  });

  test('a form with more than 20 fields is 413', async () => {
    const body = Array.from({ length: 30 }, (_, i) => `f${i}=1`).join('&');
    await expectRefused((Cookie) => postForm(body, { Cookie }), 413, /fields/);
  });

  test.each([
    'returnUrl[]=/a&returnUrl[]=/b',
    'returnUrl[x]=1',
    'returnUrl[0]=/a',
    'returnUrl=/a&returnUrl=/b',
    'logoutSuccessUrl[]=/a',
    'logoutSuccessUrl=/a&logoutSuccessUrl=//evil.example',
    'ticket[]=x',
    'AuthenticationTicket=a&AuthenticationTicket=b',
  ])('a form body %s (an array, an object or a repeated field) is 400', async (body) => {
    await expectRefused((Cookie) => postForm(body, { Cookie }), 400, /must be given once, as text/);
  });

  test.each(['returnUrl[]=/a&returnUrl[]=/b', 'returnUrl[x]=1', 'returnUrl=/a&returnUrl=/b'])(
    'a query string %s is 400, on GET and POST',
    async (query) => {
      await expectRefused((Cookie) => raw('GET', `/logout?${query}`, { headers: { Cookie } }), 400, /once/);
      await expectRefused(
        (Cookie) => raw('POST', `/logout?${query}`, { headers: { Cookie, 'Content-Length': '0' } }),
        400,
        /once/,
      );
    },
  );

  test.each([
    [FORM, 'koi8-r', 'returnUrl=/bye'],
    [FORM, 'utf-99', 'returnUrl=/bye'],
    ['application/json', 'utf-99', '{"returnUrl": "/bye"}'],
    ['application/json', 'iso-8859-1', '{"returnUrl": "/bye"}'],
  ])('%s with charset %s is 415', async (type, charset, body) => {
    await expectRefused(
      (Cookie) =>
        raw('POST', '/logout', { headers: { 'Content-Type': `${type}; charset=${charset}`, Cookie }, body }),
      415,
      /charset/,
    );
  });

  test.each([
    ['a malformed escape', 'returnUrl=%zz'],
    ['a truncated escape', 'returnUrl=/bye%2'],
    ['a lone percent sign', 'returnUrl=100%'],
    ['an escape that is not UTF-8', 'returnUrl=/caf%E9'],
    ['a truncated UTF-8 sequence', 'returnUrl=/%E0%A4'],
    ['a raw byte that is not UTF-8', Buffer.from('returnUrl=/caf\xe9', 'latin1')],
    ['a bad escape in a field name', 'return%zzUrl=/bye'],
  ])('a form body with %s is 400', async (_name, body) => {
    await expectRefused((Cookie) => postForm(body, { Cookie }), 400, /percent-encoding|UTF-8/);
  });

  test.each(['returnUrl=%zz', 'returnUrl=/caf%E9', 'ticket=%'])(
    'a query string %s with invalid percent-encoding is 400',
    async (query) => {
      await expectRefused(
        (Cookie) => raw('GET', `/logout?${query}`, { headers: { Cookie } }),
        400,
        /percent-encoding|UTF-8/,
      );
    },
  );

  test.each([
    ['an unknown encoding', 'br2', Buffer.from('returnUrl=/bye')],
    ['corrupt gzip', 'gzip', Buffer.from('returnUrl=/bye')],
    ['gzip (browsers never compress forms)', 'gzip', gzipSync('returnUrl=/bye')],
  ])('a form body with %s in Content-Encoding is 415', async (_name, encoding, body) => {
    await expectRefused(
      (Cookie) => postForm(body, { Cookie, 'Content-Encoding': encoding }),
      415,
      /Content-Encoding/,
    );
  });

  test.each(['application/json; charset', 'application/json;;', `${FORM}; charset="utf-8`])(
    'a body under a malformed Content-Type %j is 400',
    async (type) => {
      await expectRefused(
        (Cookie) => raw('POST', '/logout', { headers: { 'Content-Type': type, Cookie }, body: '{}' }),
        400,
        /Content-Type/,
      );
    },
  );

  test('a request asking for JSON gets its refusal as JSON', async () => {
    const ticket = await login(server.origin);
    const res = await postJson('{"returnUrl": [1]}', {
      Cookie: `ticket=${ticket}`,
      Accept: 'application/json',
    });
    expect([res.status, header(res, 'content-type'), JSON.parse(res.body)]).toEqual([
      400,
      'application/json; charset=utf-8',
      { logoutSuccess: false, error: 'returnUrl must be given once, as text.' },
    ]);
    const big = await postForm(`pad=${'x'.repeat(20 * 1024)}`, { Accept: 'application/json' });
    expect([big.status, header(big, 'content-type'), JSON.parse(big.body).logoutSuccess]).toEqual([
      413,
      'application/json; charset=utf-8',
      false,
    ]);
    expect(await alive(ticket)).toBe(true);
  });

  test('/login with a malformed or repeated next is 400', async () => {
    for (const query of ['next=%zz', 'next[]=/a', 'next=/a&next=/b']) {
      const res = await raw('GET', `/login?${query}`);
      expect([res.status, header(res, 'content-type'), res.headers['location']]).toEqual([
        400,
        'text/plain; charset=utf-8',
        undefined,
      ]);
    }
  });
});

describe('well-formed bodies still sign out', () => {
  test('a JSON body carries the ticket and the answer is JSON', async () => {
    const ticket = await login(server.origin);
    const res = await postJson(JSON.stringify({ ticket, returnUrl: '/bye' }), { Accept: 'application/json' });
    expect([res.status, JSON.parse(res.body)]).toEqual([200, { logoutSuccess: true }]);
    expect(await alive(ticket)).toBe(false);
  });

  test('a JSON body with charset=utf-8, a byte-order mark and null fields is accepted', async () => {
    const ticket = await login(server.origin);
    const body = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(JSON.stringify({ returnUrl: null, logoutSuccessUrl: '/bye' })),
    ]);
    const res = await postJson(body, {
      'Content-Type': 'application/json; charset=UTF-8',
      Cookie: `ticket=${ticket}`,
    });
    expect([res.status, header(res, 'location')]).toEqual([302, '/bye']);
    expect(await alive(ticket)).toBe(false);
  });

  test('a form in ISO-8859-1, and an empty form, are read', async () => {
    const ticket = await login(server.origin);
    const latin = await postForm(`ticket=${ticket}&returnUrl=/caf%E9`, {
      'Content-Type': `${FORM}; charset=ISO-8859-1`,
    });
    expect([latin.status, header(latin, 'location')]).toEqual([302, '/caf%C3%A9']);
    expect(await alive(ticket)).toBe(false);
    const empty = await postForm('', { Cookie: `ticket=${await login(server.origin)}` });
    expect([empty.status, header(empty, 'location')]).toEqual([302, '/signed-out']);
  });

  test('a form with UTF-8 text, encoded or raw, is read', async () => {
    const encoded = await postForm(`returnUrl=${encodeURIComponent('/café')}`);
    expect([encoded.status, header(encoded, 'location')]).toEqual([302, '/caf%C3%A9']);
    const rawBytes = await postForm(Buffer.from('returnUrl=/café', 'utf8'));
    expect([rawBytes.status, header(rawBytes, 'location')]).toEqual([302, '/caf%C3%A9']);
  });

  test('bodies of other types are not read, as before', async () => {
    const ticket = await login(server.origin);
    const res = await raw('POST', '/logout', {
      headers: { 'Content-Type': 'text/plain', Cookie: `ticket=${ticket}` },
      body: 'returnUrl[]=%zz',
    });
    expect([res.status, header(res, 'location')]).toEqual([302, '/signed-out']);
    expect(await alive(ticket)).toBe(false);
  });
});

describe('open redirects through encoded variants go to LOGOUT_LANDING_URL', () => {
  const VARIANTS = [
    '/%2F/evil.example',
    '/%2f/evil.example',
    '/%2F%2Fevil.example',
    '/%5Cevil.example',
    '/%5cevil.example',
    '/%5C%5Cevil.example',
    '/%5C/evil.example',
    '/%09/evil.example',
    '/%0d%0a/evil.example',
    '/%0A/evil.example',
    '/%00/evil.example',
    '/%252F%252Fevil.example',
    '/%252f/evil.example',
    '/%25252F%25252Fevil.example',
    '/%25%32%46%25%32%46evil.example',
    '/%255Cevil.example',
    '/.%2F/evil.example',
    '/.%2f/evil.example',
    '/%2E%2E%2F/evil.example',
    '/..//evil.example',
    '/.//evil.example',
    '/x/../..//evil.example',
    '/%5Cplaceholder.invalid/x',
    '/\\evil.example',
    '/\\/evil.example',
    '\\/evil.example',
    'https:%2F%2Fevil.example',
    'https://portal.example.com%2F%2Fevil.example/',
    'https://portal.example.com%40evil.example/',
    'https://portal.example.com/%0A',
  ];
  const KEYS = ['returnUrl', 'logoutSuccessUrl'] as const;

  const cases = VARIANTS.flatMap((variant) => KEYS.map((key) => [variant, key] as const));

  test.each(cases)('%j as %s: GET with the value encoded', async (variant, key) => {
    const res = await raw('GET', `/logout?${key}=${encodeURIComponent(variant)}`);
    expect([res.status, header(res, 'location')]).toEqual([302, '/signed-out']);
  });

  test.each(cases)('%j as %s: GET with the value as it is in the query', async (variant, key) => {
    const res = await raw('GET', `/logout?${key}=${variant.replace(/&/g, '%26')}`);
    expect([res.status, header(res, 'location')]).toEqual([302, '/signed-out']);
  });

  test.each(cases)('%j as %s: POST form', async (variant, key) => {
    const res = await postForm(`${key}=${encodeURIComponent(variant)}`);
    expect([res.status, header(res, 'location')]).toEqual([302, '/signed-out']);
  });

  test('the session still ends: only the redirect is refused', async () => {
    const ticket = await login(server.origin);
    const res = await raw('GET', `/logout?returnUrl=${encodeURIComponent('/%2F/evil.example')}`, {
      headers: { Cookie: `ticket=${ticket}` },
    });
    expect([res.status, header(res, 'location'), res.headers['set-cookie']?.length]).toEqual([
      302,
      '/signed-out',
      1,
    ]);
    expect(await alive(ticket)).toBe(false);
  });

  test.each(VARIANTS)('/login?next=%j sends / to the login page', async (variant) => {
    const res = await raw('GET', `/login?next=${encodeURIComponent(variant)}`);
    expect([res.status, header(res, 'location')]).toEqual([302, 'https://portal.example.com/login?next=%2F']);
  });
});

describe('allowed redirects are still followed', () => {
  const ALLOWED: ReadonlyArray<readonly [string, string]> = [
    ['/', '/'],
    ['/bye', '/bye'],
    ['/bye?x=1&y=2', '/bye?x=1&y=2'],
    ['/bye#done', '/bye#done'],
    ['/bye?x=1#done', '/bye?x=1#done'],
    ['/docs/a%20b?c=1&d=2', '/docs/a%20b?c=1&d=2'],
    ['/bye?q=100%25', '/bye?q=100%25'],
    ['/bye?next=%2Fhome', '/bye?next=%2Fhome'],
    ['/bye?next=https%3A%2F%2Fportal.example.com%2F', '/bye?next=https%3A%2F%2Fportal.example.com%2F'],
    ['/a/b/../c', '/a/b/../c'],
    ['/~user/page.html', '/~user/page.html'],
    ['/caf%C3%A9', '/caf%C3%A9'],
    ['https://portal.example.com/done', 'https://portal.example.com/done'],
    ['https://portal.example.com/done?x=1#y', 'https://portal.example.com/done?x=1#y'],
    ['HTTPS://PORTAL.EXAMPLE.COM/Done', 'https://portal.example.com/Done'],
    ['http://portal.example.com:8443/x', 'http://portal.example.com:8443/x'],
    ['https://portal.example.com/a%2Fb', 'https://portal.example.com/a%2Fb'],
  ];

  test.each(ALLOWED)(
    '%j is followed by GET and POST, as returnUrl and logoutSuccessUrl',
    async (url, location) => {
      for (const key of ['returnUrl', 'logoutSuccessUrl']) {
        const get = await raw('GET', `/logout?${key}=${encodeURIComponent(url)}`);
        expect([get.status, header(get, 'location')]).toEqual([302, location]);
        const post = await postForm(`${key}=${encodeURIComponent(url)}`);
        expect([post.status, header(post, 'location')]).toEqual([302, location]);
      }
    },
  );

  test.each(ALLOWED.filter(([url]) => url.startsWith('/')))('/login?next=%j is passed on', async (url) => {
    const res = await raw('GET', `/login?next=${encodeURIComponent(url)}`);
    expect([res.status, header(res, 'location')]).toEqual([
      302,
      `https://portal.example.com/login?next=${encodeURIComponent(url)}`,
    ]);
  });
});

describe('no hostile request reaches the 500 handler', () => {
  const TYPES = [
    FORM,
    `${FORM}; charset=iso-8859-1`,
    `${FORM}; charset=utf-16`,
    'application/json',
    'application/json; charset=utf-8',
    'text/plain',
    'multipart/form-data; boundary=x',
    'application/json; charset',
  ];
  const fieldName = fc.constantFrom(
    'returnUrl',
    'logoutSuccessUrl',
    'ticket',
    'AuthenticationTicket',
    'returnUrl[]',
    'returnUrl[x]',
    'next',
    'x',
  );
  const fieldValue = fc.oneof(
    fc.string({ maxLength: 30 }),
    fc.constantFrom('%', '%zz', '%E9', '%2F%2Fevil.example', '/%5Cevil', '//evil', '/bye', '+', '&', '='),
    fc.string({ unit: 'binary', maxLength: 20 }).map(encodeURIComponent),
  );
  const pairs = fc
    .array(fc.tuple(fieldName, fieldValue), { maxLength: 6 })
    .map((list) => list.map(([name, value]) => `${name}=${value}`).join('&'));

  test('random queries and bodies on /logout are answered 302, 200, 400, 413 or 415; refusals clear no cookie', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST'),
        pairs,
        fc.constantFrom(...TYPES),
        fc.oneof(
          pairs,
          fc.json(),
          fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a).toString('latin1')),
        ),
        fc.boolean(),
        async (method, query, type, body, json) => {
          const target = `/logout?${query.replace(/[^\x21-\x7e]/g, encodeURIComponent)}`;
          const res = await raw(method, target, {
            headers: {
              'Content-Type': type,
              Cookie: 'ticket=not-a-live-ticket',
              ...(json ? { Accept: 'application/json' } : {}),
            },
            body: Buffer.from(body, 'latin1'),
          });
          expect([200, 302, 400, 413, 415]).toContain(res.status);
          if (res.status >= 400) expect(res.headers['set-cookie']).toBeUndefined();
          if (res.status === 302) {
            const location = header(res, 'location') ?? '';
            const landed = new URL(location, 'http://placeholder.invalid');
            expect(['placeholder.invalid', 'portal.example.com']).toContain(landed.hostname);
          }
        },
      ),
      { seed: 20261201, numRuns: 300 },
    );
  });

  test('random next values on /login are answered 302 to the login page with a path, or 400', async () => {
    await fc.assert(
      fc.asyncProperty(pairs, async (query) => {
        const res = await raw('GET', `/login?${query.replace(/[^\x21-\x7e]/g, encodeURIComponent)}`);
        expect([302, 400]).toContain(res.status);
        if (res.status === 302) {
          const next = new URL(header(res, 'location') ?? '').searchParams.get('next') ?? '';
          expect(new URL(next, 'http://placeholder.invalid').hostname).toBe('placeholder.invalid');
          expect(next.startsWith('/') && !next.startsWith('//')).toBe(true);
        }
      }),
      { seed: 20261202, numRuns: 200 },
    );
  });
});

describe('/logout during a ticket store outage never looks like a sign-out', () => {
  const outage: TicketStore = {
    issue: () => Promise.reject(new StoreUnavailableError('down')),
    adopt: () => Promise.reject(new StoreUnavailableError('down')),
    touch: () => Promise.reject(new StoreUnavailableError('down')),
    peek: () => Promise.reject(new StoreUnavailableError('down')),
    revoke: () => Promise.reject(new StoreUnavailableError('down')),
    size: () => Promise.resolve(0),
    ping: () => Promise.reject(new StoreUnavailableError('down')),
    close: () => Promise.resolve(),
  };
  let down: TestServer;
  beforeAll(async () => {
    down = await startTestServer({}, outage);
  });
  afterAll(() => down.close());

  test('a browser gets 503 with the [903] text, no redirect and its cookie kept', async () => {
    const res = await httpRequest(down.origin, '/logout?returnUrl=/bye', {
      headers: { Cookie: 'ticket=3f2504e0-4f89-41d3-9a0c-0305e82c3301' },
    });
    expect(res.status).toBe(503);
    expect(res.headers.location).toBeUndefined();
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.headers['retry-after']).toBe('1');
    expect(res.body).toBe('[903] Ticket store unavailable, nothing was changed; try again');
  });

  test('an AJAX sign-out gets 503 and logoutSuccess false', async () => {
    const res = await httpRequest(down.origin, '/logout', {
      method: 'POST',
      headers: { Accept: 'application/json', Cookie: 'ticket=3f2504e0-4f89-41d3-9a0c-0305e82c3301' },
      body: '',
    });
    expect(res.status).toBe(503);
    expect(JSON.parse(res.body)).toEqual({
      logoutSuccess: false,
      error: '[903] Ticket store unavailable, nothing was changed; try again',
    });
  });
});
