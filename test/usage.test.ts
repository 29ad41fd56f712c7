/**
 * The switch-over report (`/_emulator/usage`, `asmx-emulator report`): calls answered by each
 * source are counted by client, service, operation and transport, with first and last seen on the
 * emulator's clock; the JSON, the HTML page and the CLI's text say which operations still depend
 * on the upstream and which clients would break without it; the admin access rule applies.
 *
 * The upstream here is a second in-process emulator serving the example's stubs, not the Mono
 * reference: what is under test is the counting of who answered (a forwarded call is one the
 * forwarding answerer answered, whatever the upstream is), and forward mode itself is tested
 * against the real reference in upstreamForward.test.ts. A handler module's calls are not driven:
 * ES handler modules do not load in-process under jest (the source is set by the same code path
 * as a stub's, see invoke.ts).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ManualClock } from '../src/clock';
import { runCli } from '../src/cli';
import type { IncomingMessage } from 'node:http';
import { UsageBook, usageClient, type UsageView } from '../src/usage/usageBook';
import { usageUrl } from '../src/usage/reportCommand';
import { buildAsmxWsdl } from './support/asmxWsdl';
import { PACKAGE_ROOT } from './support/cliServer';
import { httpGet, httpRequest, soap11 } from './support/http';
import { startTestServer, type TestServer } from './support/testServer';

process.env.TZ = 'UTC';

const EXAMPLE = path.join(PACKAGE_ROOT, 'examples', 'inforouter-documents');
const FULL_WSDL = path.join(EXAMPLE, 'srv-full.wsdl');
const START = Date.UTC(2026, 10, 21, 12, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();
const LEGACY = { 'User-Agent': 'LegacyApp/1.0' };
const MODERN = { 'User-Agent': 'NewApp/2.0' };

const ordersWsdl = buildAsmxWsdl({
  service: 'Orders',
  namespace: 'http://example.com/orders/',
  types: `<s:complexType name="ArrayOfInt"><s:sequence><s:element minOccurs="0" maxOccurs="unbounded" name="int" type="s:int" /></s:sequence></s:complexType>
<s:element name="ArrayOfInt" nillable="true" type="tns:ArrayOfInt" />
<s:element name="long" type="s:long" />`,
  operations: [
    {
      name: 'ListOrderIds',
      params: [{ name: 'customer', type: 's:string' }],
      result: { type: 'tns:ArrayOfInt' },
      httpElement: 'ArrayOfInt',
      http: true,
    },
    {
      name: 'CountOrders',
      params: [],
      result: { type: 's:long', minOccurs: 1 },
      httpElement: 'long',
      http: true,
    },
  ],
});

let dir: string;
let upstream: TestServer;
let emulator: TestServer;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'asmx-usage-'));
  writeFileSync(path.join(dir, 'orders.wsdl'), ordersWsdl);
  mkdirSync(path.join(dir, 'orders-stubs'));
  // ListOrderIds has no stub (and its service no upstream): not implemented.
  writeFileSync(path.join(dir, 'orders-stubs', 'CountOrders.json'), JSON.stringify([{ result: '42' }]));
  mkdirSync(path.join(dir, 'srv-stubs'));
  // Ping is answered here by a stub; GetServerVersion has none and goes to the upstream.
  writeFileSync(path.join(dir, 'srv-stubs', 'Ping.json'), JSON.stringify([{}]));
  upstream = await startTestServer({
    services: [{ path: '/srv.asmx', wsdl: FULL_WSDL, stubs: path.join(EXAMPLE, 'stubs') }],
  });
  emulator = await startTestServer({
    services: [
      {
        path: '/srv.asmx',
        wsdl: FULL_WSDL,
        stubs: path.join(dir, 'srv-stubs'),
        upstream: `${upstream.origin}/srv.asmx`,
      },
      { path: '/Orders.asmx', wsdl: path.join(dir, 'orders.wsdl'), stubs: path.join(dir, 'orders-stubs') },
    ],
    // Shadow mode too: the calls copied to the upstream are counted as shadowed.
    shadowUpstreamUrl: `${upstream.origin}/srv.asmx`,
  });

  // 12:00:00 — a built-in and a forwarded call.
  const logOut = await httpGet(emulator.origin, 'LogOut', { authenticationTicket: 'nope' }, MODERN);
  expect(logOut.body).toContain('success="false"');
  const version = await httpGet(emulator.origin, 'GetServerVersion', {}, LEGACY);
  expect(version.body).toContain('infoRouter-ref 1.0 (Mono)');
  // 12:01:00 — forwarded again, a stub over SOAP, a stub of the second service.
  emulator.clock.advance(60_000);
  expect((await httpGet(emulator.origin, 'GetServerVersion', {}, LEGACY)).status).toBe(200);
  expect((await soap11(emulator.origin, 'Ping', {}, MODERN)).status).toBe(200);
  const count = await httpRequest(emulator.origin, '/Orders.asmx/CountOrders', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...MODERN },
    body: '',
  });
  expect(count.body).toContain('>42</long>');
  // 12:02:00 — not implemented.
  emulator.clock.advance(60_000);
  const missing = await httpRequest(emulator.origin, '/Orders.asmx/ListOrderIds?customer=ACME', {
    headers: LEGACY,
  });
  expect(missing.status).toBe(500);
  expect(missing.body).toContain('System.NotImplementedException');
  // A request refused before any operation ran is no call of an operation: not counted.
  expect((await httpGet(emulator.origin, 'NoSuchOperation', {}, LEGACY)).status).toBe(500);
}, 60_000);
afterAll(async () => {
  await emulator?.close();
  await upstream?.close();
  rmSync(dir, { recursive: true, force: true });
});

const usageJson = async (origin: string) => {
  const response = await httpRequest(origin, '/_emulator/usage', { headers: { Accept: 'application/json' } });
  expect(response.status).toBe(200);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  return JSON.parse(response.body) as UsageView;
};

describe('GET /_emulator/usage as JSON', () => {
  let view: UsageView;
  beforeAll(async () => {
    view = await usageJson(emulator.origin);
  });

  test('every call counted by client, service, operation, transport and who answered it', () => {
    const address = '127.0.0.1';
    const row = (userAgent: string) => ({ userAgent, address });
    expect(view.rows).toEqual([
      {
        client: row('NewApp/2.0'),
        service: '/Orders.asmx',
        operation: 'CountOrders',
        transport: 'http-post',
        answeredBy: 'stub',
        calls: 1,
        shadowed: 0,
        firstSeen: iso(START + 60_000),
        lastSeen: iso(START + 60_000),
      },
      {
        client: row('LegacyApp/1.0'),
        service: '/Orders.asmx',
        operation: 'ListOrderIds',
        transport: 'http-get',
        answeredBy: 'not-implemented',
        calls: 1,
        shadowed: 0,
        firstSeen: iso(START + 120_000),
        lastSeen: iso(START + 120_000),
      },
      {
        client: row('LegacyApp/1.0'),
        service: '/srv.asmx',
        operation: 'GetServerVersion',
        transport: 'http-get',
        answeredBy: 'forwarded',
        calls: 2,
        // Shadow mode copied both (SHADOW_SKIP leaves out LogOut, and only /srv.asmx is shadowed).
        shadowed: 2,
        firstSeen: iso(START),
        lastSeen: iso(START + 60_000),
      },
      {
        client: row('NewApp/2.0'),
        service: '/srv.asmx',
        operation: 'LogOut',
        transport: 'http-get',
        answeredBy: 'built-in',
        calls: 1,
        shadowed: 0,
        firstSeen: iso(START),
        lastSeen: iso(START),
      },
      {
        client: row('NewApp/2.0'),
        service: '/srv.asmx',
        operation: 'Ping',
        transport: 'soap11',
        answeredBy: 'stub',
        calls: 1,
        shadowed: 1,
        firstSeen: iso(START + 60_000),
        lastSeen: iso(START + 60_000),
      },
    ]);
  });

  test('totals, bounds and the clock', () => {
    expect(view.totals).toEqual({
      calls: 6,
      shadowed: 3,
      answeredBy: { 'built-in': 1, stub: 2, forwarded: 2, 'not-implemented': 1 },
    });
    expect(view).toMatchObject({
      scope: 'instance',
      capacity: 10_000,
      rowCount: 5,
      droppedCalls: 0,
      since: iso(START),
      now: iso(START + 120_000),
      upstreamNeeded: true,
    });
  });

  test('which operations still depend on the upstream, and which clients would break without it', () => {
    expect(view.dependsOnUpstream).toEqual([
      {
        service: '/Orders.asmx',
        operation: 'ListOrderIds',
        answeredBy: { 'not-implemented': 1 },
        calls: 1,
        clients: 1,
        firstSeen: iso(START + 120_000),
        lastSeen: iso(START + 120_000),
      },
      {
        service: '/srv.asmx',
        operation: 'GetServerVersion',
        answeredBy: { forwarded: 2 },
        calls: 2,
        clients: 1,
        firstSeen: iso(START),
        lastSeen: iso(START + 60_000),
      },
    ]);
    // NewApp called only what the emulator answers itself: it keeps working.
    expect(view.wouldBreak).toEqual([
      {
        client: { userAgent: 'LegacyApp/1.0', address: '127.0.0.1' },
        operations: [
          { service: '/Orders.asmx', operation: 'ListOrderIds' },
          { service: '/srv.asmx', operation: 'GetServerVersion' },
        ],
        calls: 3,
        firstSeen: iso(START),
        lastSeen: iso(START + 120_000),
      },
    ]);
  });
});

describe('the page for browsers', () => {
  test.each([
    ['Accept: text/html', '/_emulator/usage', { Accept: 'text/html,application/xhtml+xml,*/*;q=0.8' }],
    ['?format=html', '/_emulator/usage?format=html', {}],
  ])('%s: a self-contained page saying what still needs the upstream', async (_name, url, headers) => {
    const page = await httpRequest(emulator.origin, url, { headers });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    const html = page.body;
    // No script, no external asset: readable as it is, without JavaScript.
    expect(html).not.toMatch(/<script|<link|<img|\bsrc=|url\(/i);
    expect(html).toContain('The upstream is still needed: 2 operation(s) were forwarded or not implemented');
    const [dependsPart, rest] = html.split('<h2>Clients that would break');
    const [breakingPart, everyCall] = (rest ?? '').split('<h2>Every call counted</h2>');
    expect(dependsPart).toMatch(/<td>\/srv\.asmx<\/td><td>GetServerVersion<\/td><td>forwarded 2<\/td>/);
    expect(dependsPart).toMatch(/<td>\/Orders\.asmx<\/td><td>ListOrderIds<\/td><td>not-implemented 1<\/td>/);
    expect(dependsPart).not.toContain('>Ping<');
    expect(breakingPart).toContain('<td>LegacyApp/1.0</td><td>127.0.0.1</td>');
    expect(breakingPart).toContain('/Orders.asmx ListOrderIds, /srv.asmx GetServerVersion');
    expect(breakingPart).not.toContain('NewApp/2.0');
    expect(everyCall).toContain(
      '<td>NewApp/2.0</td><td>127.0.0.1</td><td>/srv.asmx</td><td>Ping</td><td>soap11</td><td>stub</td>',
    );
    expect(everyCall).toContain(iso(START + 60_000));
  });

  test('without Accept (a script) the answer is JSON; ?format=json forces it', async () => {
    for (const url of ['/_emulator/usage', '/_emulator/usage?format=json']) {
      const answer = await httpRequest(emulator.origin, url, {
        headers: url.includes('format') ? { Accept: 'text/html' } : {},
      });
      expect(answer.headers['content-type']).toMatch(/^application\/json/);
    }
  });
});

describe('asmx-emulator report', () => {
  const cli = async (args: readonly string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(args, { env: {}, out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  test('prints the report as text tables', async () => {
    const { code, out, err } = await cli(['report', '--url', emulator.origin]);
    expect(err).toBe('');
    expect(code).toBe(0);
    const lines = out.split('\n');
    expect(lines[1]).toBe(
      '6 calls counted (built-in 1, stub 2, forwarded 2, not-implemented 1), 3 shadowed; 5 of at most 10000 rows; 0 calls dropped.',
    );
    expect(out).toContain('Operations that still depend on the upstream (forwarded or not implemented): 2');
    expect(out).toContain('Clients that would break if the upstream were switched off today: 1');
    const table = (title: string) => {
      const at = lines.findIndex((line) => line.startsWith(title));
      const end = lines.indexOf('', at);
      return lines.slice(at + 1, end < 0 ? undefined : end);
    };
    expect(table('Operations that still depend')).toEqual([
      'SERVICE       OPERATION         ANSWERED BY        UPSTREAM CALLS  CLIENTS  FIRST SEEN                LAST SEEN',
      `/Orders.asmx  ListOrderIds      not-implemented 1  1               1        ${iso(START + 120_000)}  ${iso(START + 120_000)}`,
      `/srv.asmx     GetServerVersion  forwarded 2        2               1        ${iso(START)}  ${iso(START + 60_000)}`,
    ]);
    expect(table('Clients that would break')).toEqual([
      'CLIENT         ADDRESS    OPERATIONS                                             CALLS  FIRST SEEN                LAST SEEN',
      `LegacyApp/1.0  127.0.0.1  /Orders.asmx ListOrderIds, /srv.asmx GetServerVersion  3      ${iso(START)}  ${iso(START + 120_000)}`,
    ]);
    const rows = table('Every call counted');
    expect(rows).toHaveLength(6);
    expect(rows[0]).toMatch(
      /^CLIENT +ADDRESS +SERVICE +OPERATION +TRANSPORT +ANSWERED BY +CALLS +SHADOWED +FIRST SEEN +LAST SEEN$/,
    );
    expect(rows[3]).toMatch(
      new RegExp(
        `^LegacyApp/1\\.0 +127\\.0\\.0\\.1 +/srv\\.asmx +GetServerVersion +http-get +forwarded +2 +2 +${iso(START)} +${iso(START + 60_000)}$`,
      ),
    );
  });

  test('--json prints the emulator JSON', async () => {
    const { code, out } = await cli(['report', '--url', `${emulator.origin}/`, '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual(await usageJson(emulator.origin));
  });

  test('a bad command line exits 2; an emulator not answering exits 1', async () => {
    expect((await cli(['report'])).code).toBe(2);
    expect((await cli(['report', '--url', 'ftp://x'])).code).toBe(2);
    const gone = await cli(['report', '--url', 'http://127.0.0.1:9']);
    expect(gone.code).toBe(1);
    expect(gone.err).toContain('no answer from http://127.0.0.1:9/_emulator/usage');
  });

  test('the URL of the report, below a prefix too', () => {
    expect(usageUrl('http://host:8080').href).toBe('http://host:8080/_emulator/usage');
    expect(usageUrl('http://host:8080/legacy?x=1').href).toBe('http://host:8080/legacy/_emulator/usage');
  });
});

describe('with ADMIN_TOKEN', () => {
  let guarded: TestServer;
  beforeAll(async () => {
    guarded = await startTestServer({ adminToken: 'usage-secret' });
    await httpGet(guarded.origin, 'LogOut', { authenticationTicket: 'x' }, { 'User-Agent': '<b>Evil</b>' });
  });
  afterAll(() => guarded.close());

  test('the report needs the token, on the page, the JSON and the CLI', async () => {
    const attempts: Record<string, string>[] = [
      {},
      { Authorization: 'Bearer wrong' },
      { Accept: 'text/html' },
    ];
    for (const headers of attempts) {
      const refused = await httpRequest(guarded.origin, '/_emulator/usage', { headers });
      expect(refused.status).toBe(401);
      expect(refused.body).not.toContain('LogOut');
    }
    const allowed = await httpRequest(guarded.origin, '/_emulator/usage?format=html', {
      headers: { Authorization: 'Bearer usage-secret' },
    });
    expect(allowed.status).toBe(200);
    // A user agent is the client's text: escaped on the page.
    expect(allowed.body).toContain('<td>&lt;b&gt;Evil&lt;/b&gt;</td>');
    expect(allowed.body).not.toContain('<b>Evil');
    expect(allowed.body).toContain('Nothing counted depends on the upstream');

    const out: string[] = [];
    const err: string[] = [];
    const io = { env: {}, out: (l: string) => out.push(l), err: (l: string) => err.push(l) };
    expect(await runCli(['report', '--url', guarded.origin], io)).toBe(1);
    expect(err.join('\n')).toContain('answered 401');
    expect(await runCli(['report', '--url', guarded.origin, '--token', 'usage-secret'], io)).toBe(0);
    expect(out.join('\n')).toContain('No operation depends on the upstream');
    // ADMIN_TOKEN in the environment serves as the token too.
    const byEnv = { ...io, env: { ADMIN_TOKEN: 'usage-secret' } };
    expect(await runCli(['report', '--url', guarded.origin, '--json'], byEnv)).toBe(0);
  });

  test('DELETE /_emulator/usage starts counting again', async () => {
    const auth = { Authorization: 'Bearer usage-secret' };
    expect((await httpRequest(guarded.origin, '/_emulator/usage', { method: 'DELETE' })).status).toBe(401);
    const cleared = await httpRequest(guarded.origin, '/_emulator/usage', {
      method: 'DELETE',
      headers: auth,
    });
    expect(cleared.status).toBe(200);
    const view = JSON.parse(
      (await httpRequest(guarded.origin, '/_emulator/usage', { headers: auth })).body,
    ) as UsageView;
    expect(view.rows).toEqual([]);
    expect(view.totals.calls).toBe(0);
  });
});

describe('the book is bounded', () => {
  test('beyond its rows a call is counted as dropped, and the report says it may be incomplete', () => {
    const clock = new ManualClock(START);
    const book = new UsageBook(clock, 'test', 2);
    const call = (operation: string, answeredBy: 'stub' | 'forwarded') =>
      book.record({
        client: { userAgent: 'x'.repeat(1000), address: '10.0.0.1' },
        service: '/srv.asmx',
        operation,
        transport: 'soap11',
        answeredBy,
        shadowed: false,
      });
    call('A', 'stub');
    call('B', 'stub');
    call('C', 'forwarded'); // a third row: dropped
    clock.advance(1000);
    call('A', 'stub'); // an existing row still counts
    const view = book.view();
    expect(view.rowCount).toBe(2);
    expect(view.droppedCalls).toBe(1);
    expect(view.rows.map((r) => [r.operation, r.calls, r.firstSeen, r.lastSeen])).toEqual([
      ['A', 2, iso(START), iso(START + 1000)],
      ['B', 1, iso(START), iso(START)],
    ]);
    expect(view.rows[0]?.client.userAgent).toHaveLength(256);
    // Nothing counted needs the upstream, but what was dropped might.
    expect(view.dependsOnUpstream).toEqual([]);
    expect(view.upstreamNeeded).toBe(true);
  });
});

test('the client address is the first X-Forwarded-For only behind a trusted proxy', () => {
  const req = {
    headers: { 'user-agent': 'App', 'x-forwarded-for': '203.0.113.7, 10.0.0.2' },
    socket: { remoteAddress: '10.0.0.2' },
  } as unknown as IncomingMessage;
  expect(usageClient(req, true)).toEqual({ userAgent: 'App', address: '203.0.113.7' });
  expect(usageClient(req, false)).toEqual({ userAgent: 'App', address: '10.0.0.2' });
});
