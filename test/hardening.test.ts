/** Hostile and odd input: answered quickly in the ASMX shape, the process up, the tickets unharmed. */
import http from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { hashPassword } from '../src/users/passwordHash';
import { httpGet, httpRequest, login, rootAttribute, soap11, soapEnvelope } from './support/http';
import { rawExchange } from './support/rawSocket';
import { startTestServer, type TestServer } from './support/testServer';

const SOAP11_HEADERS = {
  'Content-Type': 'text/xml; charset=utf-8',
  SOAPAction: '"http://tempuri.org/LogOut"',
};
const ENVELOPE_OPEN = '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>';
const ENVELOPE_CLOSE = '</soap:Body></soap:Envelope>';

let server: TestServer;
let liveTicket: string;
beforeAll(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'asmx-users-'));
  const usersFile = path.join(dir, 'users.json');
  const user = {
    userid: 9,
    username: 'rené',
    firstName: 'René',
    lastName: 'Müller',
    email: 'rene@example.com',
  };
  writeFileSync(
    usersFile,
    JSON.stringify({ users: [{ ...user, passwordHash: await hashPassword('pässwörd') }] }),
  );
  server = await startTestServer({ usersFile, maxBodyBytes: 64 * 1024 });
  liveTicket = rootAttribute(
    (await httpGet(server.origin, 'AuthenticateUser', { UID: 'rené', PWD: 'pässwörd' })).body,
    'ticket',
  ) as string;
  expect(liveTicket).toBeDefined();
});
afterAll(async () => {
  // Whatever was thrown at it, the ticket issued before is still alive.
  const res = await httpGet(server.origin, 'isValidTicket', { AuthenticationTicket: liveTicket });
  expect(rootAttribute(res.body, 'success')).toBe('true');
  await server.close();
});

const logOutWith = (ticketXml: string, prolog = '') =>
  httpRequest(server.origin, '/srv.asmx', {
    headers: SOAP11_HEADERS,
    body: `${prolog}${ENVELOPE_OPEN}<LogOut xmlns="http://tempuri.org/"><AuthenticationTicket>${ticketXml}</AuthenticationTicket></LogOut>${ENVELOPE_CLOSE}`,
  });

describe('document type declarations', () => {
  test('an XXE payload is refused without touching the file system', async () => {
    const started = Date.now();
    const res = await logOutWith(
      '&xxe;',
      '<?xml version="1.0"?>\n<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n',
    );
    expect(Date.now() - started).toBeLessThan(250);
    expect(res.status).toBe(500);
    expect(res.body).toContain('<faultcode>soap:Client</faultcode>');
    expect(res.body).toContain(
      'There is an error in XML document (2, 1). ---&gt; DTD is prohibited in this XML document.',
    );
    expect(res.body).not.toContain('root:');
  });

  test('a billion-laughs payload is refused within milliseconds', async () => {
    const entities = ['<!ENTITY lol "lol">'];
    for (let i = 1; i <= 9; i++)
      entities.push(`<!ENTITY lol${i} "${`&lol${i === 1 ? '' : i - 1};`.repeat(10)}">`);
    const started = Date.now();
    const res = await logOutWith('&lol9;', `<!DOCTYPE lolz [${entities.join('')}]>`);
    expect(Date.now() - started).toBeLessThan(250);
    expect(res.status).toBe(500);
    expect(res.body).toContain('DTD is prohibited in this XML document.');
  });

  test('an undeclared entity is not expanded into anything', async () => {
    const res = await logOutWith('&undeclared;');
    expect(res.status).toBe(200);
    expect(rootAttribute(res.body, 'error')).toBe('[901] Session expired or Invalid ticket');
  });
});

describe('sizes', () => {
  test('a body over the limit gets 413', async () => {
    const res = await httpRequest(server.origin, '/srv.asmx', {
      headers: SOAP11_HEADERS,
      body: 'x'.repeat(64 * 1024 + 1),
    });
    expect([res.status, res.headers['content-type'], res.body]).toEqual([
      413,
      'text/plain; charset=utf-8',
      'Maximum request length exceeded.',
    ]);
  });

  test('a declared length over the limit is refused before the body is read', async () => {
    const head =
      'POST /srv.asmx/LogOut HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n' +
      'Content-Length: 10000000\r\n\r\nAuthenticationTicket=';
    // Only the head and a few bytes are sent; the answer must not wait for the other ten megabytes.
    const exchange = await rawExchange(server.origin, [head], { timeoutMs: 3000 });
    expect(exchange.received).toMatch(/^HTTP\/1\.1 413 /);
    expect(exchange.received).toContain('Maximum request length exceeded.');
    expect(exchange.closed).toBe(true);
    expect(exchange.elapsedMs).toBeLessThan(1000);
  });

  test('a chunked body that grows past the limit is cut off with 413', async () => {
    const chunk = 'x'.repeat(16 * 1024);
    const pieces = [
      'POST /srv.asmx HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\nSOAPAction: "http://tempuri.org/LogOut"\r\nTransfer-Encoding: chunked\r\n\r\n',
      ...Array.from({ length: 6 }, () => `${chunk.length.toString(16)}\r\n${chunk}\r\n`),
    ];
    const exchange = await rawExchange(server.origin, pieces, { timeoutMs: 3000 });
    expect(exchange.received).toMatch(/^HTTP\/1\.1 413 /);
  });

  test('Expect: 100-continue with an oversized body gets 413 instead of 100', async () => {
    const exchange = await rawExchange(server.origin, [
      'POST /srv.asmx HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\nContent-Length: 999999\r\nExpect: 100-continue\r\n\r\n',
    ]);
    expect(exchange.received).toMatch(/^HTTP\/1\.1 413 /);
    expect(exchange.received).not.toContain('100 Continue');
  });

  test('Expect: 100-continue within the limit proceeds', async () => {
    const body = soapEnvelope('1.1', 'LogOut', { AuthenticationTicket: 'x' });
    const exchange = await rawExchange(server.origin, [
      `POST /srv.asmx HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\nSOAPAction: "http://tempuri.org/LogOut"\r\nContent-Length: ${body.length}\r\nExpect: 100-continue\r\n\r\n`,
      { waitMs: 100 },
      body,
    ]);
    expect(exchange.received).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK/);
    expect(exchange.received).toContain('[901] Session expired or Invalid ticket');
  });

  test('element nesting beyond the cap is refused', async () => {
    const deep = '<a>'.repeat(40) + '</a>'.repeat(40);
    const res = await logOutWith(deep);
    expect(res.status).toBe(500);
    expect(res.body).toContain('The XML document is nested deeper than 32 elements.');
    const veryDeep = '<a>'.repeat(4000) + '</a>'.repeat(4000);
    expect((await logOutWith(veryDeep)).status).toBe(500);
  });

  test('an over-long ticket is [901]', async () => {
    const long = 'f'.repeat(50_000);
    const res = await httpRequest(server.origin, '/srv.asmx/LogOut', {
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `AuthenticationTicket=${long}`,
    });
    expect(rootAttribute(res.body, 'error')).toBe('[901] Session expired or Invalid ticket');
  });

  test('an over-long header or cookie gets 431', async () => {
    const res = await httpRequest(server.origin, '/srv.asmx/LogOut?AuthenticationTicket=', {
      headers: { Cookie: `ticket=${'a'.repeat(20_000)}` },
    });
    expect(res.status).toBe(431);
    const res2 = await httpRequest(server.origin, '/srv.asmx/LogOut', {
      headers: { 'X-Filler': 'b'.repeat(20_000) },
    });
    expect(res2.status).toBe(431);
  });
});

describe('repeated values', () => {
  test('with several ticket cookies the first wins', async () => {
    const [first, second] = [
      await login(server.origin, 'rené', 'pässwörd'),
      await login(server.origin, 'rené', 'pässwörd'),
    ];
    const res = await httpGet(
      server.origin,
      'LogOut',
      {},
      { Cookie: `ticket=${first}; other=1; ticket=${second}` },
    );
    expect(rootAttribute(res.body, 'success')).toBe('true');
    expect(
      rootAttribute(
        (await httpGet(server.origin, 'isValidTicket', { AuthenticationTicket: first })).body,
        'success',
      ),
    ).toBe('false');
    expect(
      rootAttribute(
        (await httpGet(server.origin, 'isValidTicket', { AuthenticationTicket: second })).body,
        'success',
      ),
    ).toBe('true');
  });

  test('a repeated query parameter is its values joined by a comma, as ASP.NET reads it', async () => {
    const [first, second] = [
      await login(server.origin, 'rené', 'pässwörd'),
      await login(server.origin, 'rené', 'pässwörd'),
    ];
    // NameValueCollection's indexer gives "first,second": no such ticket, and both stay alive.
    const res = await httpRequest(
      server.origin,
      `/srv.asmx/LogOut?AuthenticationTicket=${first}&AuthenticationTicket=${second}`,
    );
    expect(rootAttribute(res.body, 'error')).toBe('[901] Session expired or Invalid ticket');
    for (const ticket of [first, second]) {
      const valid = await httpGet(server.origin, 'isValidTicket', { AuthenticationTicket: ticket });
      expect(rootAttribute(valid.body, 'success')).toBe('true');
    }
  });

  test('query parameter names match case-insensitively, as ASP.NET collections do', async () => {
    const ticket = await login(server.origin, 'rené', 'pässwörd');
    const res = await httpRequest(server.origin, `/srv.asmx/LogOut?authenticationticket=${ticket}`);
    expect(rootAttribute(res.body, 'success')).toBe('true');
  });
});

describe('encodings', () => {
  const loginEnvelope = soapEnvelope('1.1', 'AuthenticateUser', { UID: 'rené', PWD: 'pässwörd' });
  const loginAs = (body: Buffer, contentType: string) =>
    httpRequest(server.origin, '/srv.asmx', {
      headers: { 'Content-Type': contentType, SOAPAction: '"http://tempuri.org/AuthenticateUser"' },
      body,
    });

  test.each([
    ['iso-8859-1', Buffer.from(loginEnvelope.replace('utf-8', 'iso-8859-1'), 'latin1')],
    ['utf-16', Buffer.from(`\ufeff${loginEnvelope.replace('utf-8', 'utf-16')}`, 'utf16le')],
    ['windows-1252', Buffer.from(loginEnvelope.replace('utf-8', 'windows-1252'), 'latin1')],
  ])('a %s body is decoded correctly', async (charset, body) => {
    const res = await loginAs(body, `text/xml; charset=${charset}`);
    expect(res.status).toBe(200);
    expect(rootAttribute(res.body, 'lastName')).toBe('Müller');
    expect(rootAttribute(res.body, 'username')).toBe('rené');
  });

  test('a UTF-16 body with a byte-order mark and no charset is decoded', async () => {
    const res = await loginAs(Buffer.from(`\ufeff${loginEnvelope}`, 'utf16le'), 'text/xml');
    expect(rootAttribute(res.body, 'success')).toBe('true');
  });

  test('an unsupported charset is refused with a fault', async () => {
    const res = await loginAs(Buffer.from(loginEnvelope), 'text/xml; charset=ebcdic-cp-us');
    expect(res.status).toBe(500);
    expect(res.body).toContain("System does not support 'ebcdic-cp-us' encoding.");
  });

  test('bytes that are not valid in the declared charset are refused, not mangled', async () => {
    const res = await loginAs(Buffer.from(loginEnvelope, 'latin1'), 'text/xml; charset=utf-8');
    expect(res.status).toBe(500);
    expect(res.body).toContain('Invalid character in the given encoding (utf-8).');
  });

  test('a form in ISO-8859-1 is decoded in its charset', async () => {
    const res = await httpRequest(server.origin, '/srv.asmx/AuthenticateUser', {
      headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=iso-8859-1' },
      body: 'UID=ren%E9&PWD=p%E4ssw%F6rd',
    });
    expect(rootAttribute(res.body, 'success')).toBe('true');
  });

  test('a UTF-8 form and query string are decoded as UTF-8', async () => {
    const form = await httpRequest(server.origin, '/srv.asmx/AuthenticateUser', {
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'UID=ren%C3%A9&PWD=p%C3%A4ssw%C3%B6rd',
    });
    expect(rootAttribute(form.body, 'success')).toBe('true');
    const query = await httpRequest(
      server.origin,
      '/srv.asmx/AuthenticateUser?UID=ren%C3%A9&PWD=p%C3%A4ssw%C3%B6rd',
    );
    expect(rootAttribute(query.body, 'success')).toBe('true');
  });
});

describe('connections', () => {
  let strict: TestServer;
  beforeAll(async () => {
    strict = await startTestServer({ headersTimeoutMs: 300, requestTimeoutMs: 600 });
  });
  afterAll(() => strict.close());

  test('a client that never finishes its headers is cut off', async () => {
    const exchange = await rawExchange(
      strict.origin,
      ['GET /srv.asmx/LogOut HTTP/1.1\r\nHost: x\r\n', { waitMs: 3000 }],
      {
        timeoutMs: 4000,
      },
    );
    expect(exchange.closed).toBe(true);
    expect(exchange.elapsedMs).toBeLessThan(2000);
  });

  test('a client that never sends its promised body is cut off', async () => {
    const exchange = await rawExchange(
      strict.origin,
      [
        'POST /srv.asmx HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\nContent-Length: 100\r\n\r\n<a>',
        { waitMs: 3000 },
      ],
      { timeoutMs: 4000 },
    );
    expect(exchange.closed).toBe(true);
    expect(exchange.elapsedMs).toBeLessThan(2500);
  });

  test('keep-alive: many requests share one connection', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const sockets = new Set<unknown>();
    try {
      for (let i = 0; i < 20; i++) {
        await new Promise<void>((resolve, reject) => {
          const req = http.request(
            `${server.origin}/srv.asmx/LogOut?AuthenticationTicket=x`,
            { agent },
            (res) => {
              sockets.add(res.socket);
              res.resume();
              res.on('end', resolve);
            },
          );
          req.on('error', reject);
          req.end();
        });
      }
    } finally {
      agent.destroy();
    }
    expect(sockets.size).toBe(1);
  });

  test('a SOAP client over keep-alive gets every answer', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, () => soap11(server.origin, 'LogOut', { AuthenticationTicket: 'x' })),
    );
    for (const res of results) expect(res.status).toBe(200);
  });
});
