/**
 * Hostile values never break the XML: they are escaped in every transport's answer. Over HTTP
 * GET/POST, ASP.NET's request validation refuses markup in a value before the operation runs.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { hashPassword } from '../src/users/passwordHash';
import { escapeAttribute, escapeText } from '../src/xml/escape';
import { TRANSPORTS, type TransportName } from './support/http';
import { startTestServer, type TestServer } from './support/testServer';

const HOSTILE = {
  username: `o"brien<&>'x`,
  firstName: '<script>alert(1)</script>',
  lastName: 'A & B "quoted"',
  email: `"/><evil xmlns="urn:x"/><root a="`,
};

let server: TestServer;
beforeAll(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'asmx-users-'));
  const usersFile = path.join(dir, 'users.json');
  const user = { userid: 7, ...HOSTILE, passwordHash: await hashPassword('p&ss<word>') };
  // The same fields with a password request validation lets through (no `<` before a letter).
  const twin = { userid: 8, ...HOSTILE, username: 'twin', passwordHash: await hashPassword('p&ss<3') };
  writeFileSync(usersFile, JSON.stringify({ users: [user, twin] }));
  server = await startTestServer({ usersFile });
});
afterAll(() => server.close());

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseAttributeValue: false,
});

/** The attributes of the `<root>` element wherever it sits (xmlns declarations left out). */
function rootOf(body: string): Record<string, string> {
  expect(XMLValidator.validate(body)).toBe(true);
  const find = (node: unknown): Record<string, unknown> | undefined => {
    if (!node || typeof node !== 'object') return undefined;
    const record = node as Record<string, unknown>;
    if (record.root && typeof record.root === 'object') return record.root as Record<string, unknown>;
    return Object.values(record).map(find).find(Boolean);
  };
  const root = find(parser.parse(body)) ?? {};
  return Object.fromEntries(
    Object.entries(root)
      .filter(([key]) => key.startsWith('@') && key !== '@xmlns')
      .map(([key, value]) => [key.slice(1), String(value)]),
  );
}

const SOAP_TRANSPORTS = (Object.keys(TRANSPORTS) as TransportName[]).filter((t) => t.startsWith('soap'));
const FORM_TRANSPORTS = (Object.keys(TRANSPORTS) as TransportName[]).filter((t) => !t.startsWith('soap'));

function expectIntact(root: Record<string, string>, username: string): void {
  expect(root.success).toBe('true');
  expect(root.username).toBe(username);
  expect(root.firstName).toBe(HOSTILE.firstName);
  expect(root.fullname).toBe(`${HOSTILE.firstName} ${HOSTILE.lastName}`);
  expect(root.email).toBe(HOSTILE.email);
}

describe.each(SOAP_TRANSPORTS)('over %s (SOAP bodies are not request-validated)', (transport) => {
  test('user fields with markup come back intact in a well-formed document', async () => {
    const res = await TRANSPORTS[transport](server.origin, 'AuthenticateUser', {
      UID: HOSTILE.username,
      PWD: 'p&ss<word>',
    });
    expectIntact(rootOf(res.body), HOSTILE.username);
    expect(res.body).not.toContain('<evil');
    expect(res.body).not.toContain('<script>');
  });

  test('a hostile ticket is answered with [901] and never echoed', async () => {
    const res = await TRANSPORTS[transport](server.origin, 'LogOut', {
      AuthenticationTicket: '"/><x>&amp;</x>',
    });
    expect(rootOf(res.body)).toEqual({ success: 'false', error: '[901] Session expired or Invalid ticket' });
    expect(res.body).not.toContain('<x>');
  });
});

describe.each(FORM_TRANSPORTS)('over %s', (transport) => {
  const collection = transport === 'httpGet' ? 'QueryString' : 'Form';

  test('user fields with markup come back intact in a well-formed document', async () => {
    const res = await TRANSPORTS[transport](server.origin, 'AuthenticateUser', {
      UID: 'twin',
      PWD: 'p&ss<3',
    });
    expectIntact(rootOf(res.body), 'twin');
    expect(res.body).not.toContain('<evil');
    expect(res.body).not.toContain('<script>');
  });

  test('a password with markup is refused by request validation, HTML-encoded, before the operation runs', async () => {
    const res = await TRANSPORTS[transport](server.origin, 'AuthenticateUser', {
      UID: HOSTILE.username,
      PWD: 'p&ss<word>',
    });
    expect(res.status).toBe(500);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.headers['cache-control']).toBe('private');
    expect(res.body).toBe(
      `System.Web.HttpRequestValidationException: A potentially dangerous Request.${collection} value was detected from the client (PWD=&quot;p&amp;ss&lt;word&gt;&quot;).`,
    );
  });

  test('a hostile ticket is refused and never echoed raw', async () => {
    const res = await TRANSPORTS[transport](server.origin, 'LogOut', {
      AuthenticationTicket: '"/><x>&amp;</x>',
    });
    expect(res.status).toBe(500);
    expect(res.body).toContain('System.Web.HttpRequestValidationException');
    expect(res.body).not.toContain('<x>');
  });
});

test('escaping follows XmlTextWriter: controls as character references, lone surrogates dropped', () => {
  expect(escapeAttribute(`a&b<c>d"e'f`)).toBe(`a&amp;b&lt;c&gt;d&quot;e'f`);
  expect(escapeAttribute('tab\tcr\rlf\n')).toBe('tab\tcr&#xD;lf&#xA;');
  expect(escapeAttribute('nul\u0000bell\u0007 lone\ud800 pair\ud83d\ude00')).toBe(
    'nul&#x0;bell&#x7; lone pair\ud83d\ude00',
  );
  expect(escapeText('a\u0001b\nc\td')).toBe('a&#x1;b\nc\td');
  expect(escapeText('a"b<c')).toBe('a"b&lt;c');
});
