/**
 * Forward mode against the REAL ASMX reference service (Mono, the reference kit's server): an
 * emulator with the reference's WSDL and no handler module or stubs answers the session
 * operations itself and forwards every other operation. Between them a tap (a transparent proxy
 * of the test's own) shows what the emulator sends upstream: which tickets, which operations.
 */
import path from 'node:path';
import { expectedCaseNames, readContractRequest, readExpected, replayCase } from './support/contractCases';
import { PACKAGE_ROOT, startCliServer, type CliServer } from './support/cliServer';
import { httpGet, httpRequest } from './support/http';
import { startReferenceServer, type ReferenceServer } from './support/referenceServer';
import { startUpstreamTap, type TappedExchange, type UpstreamTap } from './support/upstreamTap';

jest.setTimeout(120_000);

const FULL_WSDL = path.join(PACKAGE_ROOT, 'examples', 'inforouter-documents', 'srv-full.wsdl');

let reference: ReferenceServer;
let tap: UpstreamTap;
let emulator: CliServer;

beforeAll(async () => {
  reference = await startReferenceServer();
  tap = await startUpstreamTap(reference.origin);
  emulator = await startCliServer([], {
    WSDL_FILE: FULL_WSDL,
    UPSTREAM_URL: `${tap.origin}/srv.asmx`,
    UPSTREAM_TRUSTED_PASSWORD: 'MyServerSecret',
  });
}, 120_000);
afterAll(async () => {
  await emulator?.close();
  await tap?.close();
  await reference?.close();
});

async function signIn(origin: string): Promise<string> {
  const login = await httpGet(origin, 'AuthenticateUser', { UID: 'jsmith', PWD: 'Secret123!' });
  const ticket = /ticket="([^"]+)"/.exec(login.body)?.[1] ?? '';
  expect(ticket).toMatch(/^[0-9a-f-]{36}$/);
  return ticket;
}

const operationOf = (exchange: TappedExchange) =>
  /SOAPAction: "?http:\/\/tempuri\.org\/(\w+)/i.exec(
    `SOAPAction: ${String(exchange.headers.soapaction ?? '')}`,
  )?.[1];
const upstreamTicketIn = (exchange: TappedExchange) =>
  /<authenticationTicket>([^<]+)<\/authenticationTicket>/i.exec(exchange.requestBody)?.[1];

/** The session of the first tests; the next ones end it. */
let firstSession: string;

describe('a client signed in at the emulator calls operations the emulator does not implement', () => {
  let ticket: string;
  beforeAll(async () => {
    ticket = firstSession = await signIn(emulator.origin);
  });

  // Every case of the reference kit, through the emulator: the session operations answered here,
  // the document operations by the upstream, and the answer what ASMX sends (stack traces aside).
  test.each(expectedCaseNames())('%s', async (name) => {
    const answer = await replayCase(emulator.origin, readContractRequest(name), ticket);
    expect(answer).toBe(readExpected(name));
  });

  test('the upstream got an upstream ticket of the same user, never the emulator ticket', async () => {
    const forwarded = tap.exchanges.filter((e) => operationOf(e) === 'GetDocumentInfo');
    expect(forwarded.length).toBeGreaterThan(0);
    const signIns = tap.exchanges.filter((e) => operationOf(e) === 'CreateTicketforUser');
    expect(signIns).toHaveLength(1);
    expect(signIns[0]?.requestBody).toContain('<UserName>jsmith</UserName>');
    const upstreamTicket = /ticket="([^"]+)"/.exec(signIns[0]?.responseBody ?? '')?.[1];
    expect(upstreamTicket).toMatch(/^[0-9a-f-]{36}$/);
    for (const exchange of tap.exchanges) expect(exchange.requestBody).not.toContain(ticket);
    expect(forwarded.every((e) => upstreamTicketIn(e) === upstreamTicket)).toBe(true);
  });
});

test('LogOut at the emulator also ends the upstream ticket, once no live session of the user uses it', async () => {
  const signIns = () => tap.exchanges.filter((e) => operationOf(e) === 'CreateTicketforUser');
  const upstreamTicket = /ticket="([^"]+)"/.exec(signIns()[0]?.responseBody ?? '')?.[1] ?? '';
  // A second session of the same user shares the user's upstream ticket: no new sign-in upstream.
  const ticket = await signIn(emulator.origin);
  const first = await httpGet(emulator.origin, 'GetStorageUsed', { authenticationTicket: ticket });
  expect(first.status).toBe(200);
  expect(signIns()).toHaveLength(1);
  expect(upstreamTicketIn(tap.exchanges.at(-1) as TappedExchange)).toBe(upstreamTicket);

  // Its LogOut leaves the upstream ticket to the first session, still live.
  const logout = await httpGet(emulator.origin, 'LogOut', { AuthenticationTicket: ticket });
  expect(logout.body).toContain('success="true"');
  await new Promise((resolve) => setTimeout(resolve, 300));
  const still = await httpGet(emulator.origin, 'GetStorageUsed', { authenticationTicket: firstSession });
  expect(still.status).toBe(200);
  expect(signIns()).toHaveLength(1);
  expect(tap.exchanges.some((e) => operationOf(e) === 'LogOut')).toBe(false);

  // The LogOut of the last session ends it upstream.
  const last = await httpGet(emulator.origin, 'LogOut', { AuthenticationTicket: firstSession });
  expect(last.body).toContain('success="true"');
  const upstreamLogout = await tap.waitFor(
    (e) => operationOf(e) === 'LogOut' && e.requestBody.includes(upstreamTicket),
  );
  expect(upstreamLogout.responseBody).toContain('success="true"');
  // The upstream ticket is dead at the upstream itself.
  const again = await httpGet(reference.origin, 'LogOut', { AuthenticationTicket: upstreamTicket });
  expect(again.body).toContain('[901]');
});

test('an upstream [901] is retried once with a fresh upstream ticket', async () => {
  const ticket = await signIn(emulator.origin);
  await httpGet(emulator.origin, 'GetStorageUsed', { authenticationTicket: ticket });
  const signIns = () => tap.exchanges.filter((e) => operationOf(e) === 'CreateTicketforUser');
  const before = signIns().length;
  const last = signIns()[before - 1];
  const stale = /ticket="([^"]+)"/.exec(last?.responseBody ?? '')?.[1] ?? '';
  // The upstream ends its ticket behind the emulator's back (expiry, an admin).
  const ended = await httpGet(reference.origin, 'LogOut', { AuthenticationTicket: stale });
  expect(ended.body).toContain('success="true"');

  const answer = await httpGet(emulator.origin, 'GetStorageUsed', { authenticationTicket: ticket });
  expect(answer.status).toBe(200);
  expect(answer.body).toBe(readExpected('get-GetStorageUsed-ok').split('\r\n\r\n')[1]);
  expect(signIns()).toHaveLength(before + 1);
  const calls = tap.exchanges.filter((e) => operationOf(e) === 'GetStorageUsed').slice(-2);
  expect(calls.map((e) => e.responseBody.includes('[901]'))).toEqual([true, false]);
  expect(upstreamTicketIn(calls[1] as TappedExchange)).not.toBe(stale);
});

describe('an upstream that is down', () => {
  let down: CliServer;
  beforeAll(async () => {
    const gone = await startUpstreamTap(reference.origin);
    const url = `${gone.origin}/srv.asmx`;
    await gone.close();
    down = await startCliServer([], {
      WSDL_FILE: FULL_WSDL,
      UPSTREAM_URL: url,
      UPSTREAM_TRUSTED_PASSWORD: 'MyServerSecret',
    });
  });
  afterAll(() => down?.close());

  test('answers like a store outage ([903]), never a false [901]', async () => {
    const ticket = await signIn(down.origin);
    const get = await httpGet(down.origin, 'GetStorageUsed', { authenticationTicket: ticket });
    expect(get.status).toBe(503);
    expect(get.headers['retry-after']).toBe('1');
    expect(get.body).toContain('[903]');
    expect(get.body).not.toContain('[901]');
    const soap = await httpRequest(down.origin, '/srv.asmx', {
      headers: {
        'Content-Type': 'text/xml; charset=utf-8',
        SOAPAction: '"http://tempuri.org/GetStorageUsed"',
      },
      body:
        '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">' +
        `<soap:Body><GetStorageUsed xmlns="http://tempuri.org/"><authenticationTicket>${ticket}</authenticationTicket>` +
        '</GetStorageUsed></soap:Body></soap:Envelope>',
    });
    expect(soap.status).toBe(500);
    expect(soap.body).toContain('<faultcode>soap:Server</faultcode>');
    expect(soap.body).toContain('[903]');
  });
});
