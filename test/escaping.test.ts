/** Hostile values never break the XML: they are escaped in every transport's answer. */
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
  writeFileSync(usersFile, JSON.stringify({ users: [user] }));
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

describe.each(Object.keys(TRANSPORTS) as TransportName[])('over %s', (transport) => {
  test('user fields with markup come back intact in a well-formed document', async () => {
    const res = await TRANSPORTS[transport](server.origin, 'AuthenticateUser', {
      UID: HOSTILE.username,
      PWD: 'p&ss<word>',
    });
    const root = rootOf(res.body);
    expect(root.success).toBe('true');
    expect(root.username).toBe(HOSTILE.username);
    expect(root.firstName).toBe(HOSTILE.firstName);
    expect(root.fullname).toBe(`${HOSTILE.firstName} ${HOSTILE.lastName}`);
    expect(root.email).toBe(HOSTILE.email);
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

test('escaping follows XmlTextWriter and drops characters XML cannot carry', () => {
  expect(escapeAttribute(`a&b<c>d"e'f`)).toBe(`a&amp;b&lt;c&gt;d&quot;e'f`);
  expect(escapeAttribute('tab\tcr\rlf\n')).toBe('tab&#x9;cr&#xD;lf&#xA;');
  expect(escapeAttribute('nul\u0000bell\u0007 lone\ud800 pair\ud83d\ude00')).toBe(
    'nulbell lone pair\ud83d\ude00',
  );
  expect(escapeText('a"b<c')).toBe('a"b&lt;c');
});
