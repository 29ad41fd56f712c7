/** Fault injection over HTTP: each matching call consumes one; an injected fault never changes the store. */
import { EmulatorAdmin } from '../src/index';
import { StoreUnavailableError, type TicketStore } from '../src/tickets/TicketStore';
import {
  formPost,
  httpGet,
  httpRequest,
  login,
  rootAttribute,
  soap11,
  soap12,
  type HttpResult,
} from './support/http';
import { startTestServer, type TestServer } from './support/testServer';

let server: TestServer;
let outage: TestServer;
let admin: EmulatorAdmin;

/** A store that is down: what a real outage answers is what this emulator answers. */
const down = (): Promise<never> => Promise.reject(new StoreUnavailableError('connection refused'));
const unreachableStore: TicketStore = {
  issue: down,
  adopt: down,
  touch: down,
  peek: down,
  revoke: down,
  size: down,
  ping: down,
  close: () => Promise.resolve(),
};

beforeAll(async () => {
  server = await startTestServer();
  outage = await startTestServer({}, unreachableStore);
  admin = new EmulatorAdmin(server.origin);
});
afterAll(async () => {
  await server.close();
  await outage.close();
});
afterEach(() => admin.disarm());

const valid = async (ticket: string) =>
  rootAttribute(
    (await httpGet(server.origin, 'isValidTicket', { AuthenticationTicket: ticket })).body,
    'success',
  );
const comparable = (res: HttpResult) => ({
  status: res.status,
  contentType: res.headers['content-type'],
  retryAfter: res.headers['retry-after'],
  body: res.body,
});

test.each([
  ['HTTP GET', (origin: string, t: string) => httpGet(origin, 'LogOut', { AuthenticationTicket: t })],
  ['form POST', (origin: string, t: string) => formPost(origin, 'LogOut', { AuthenticationTicket: t })],
  ['SOAP 1.1', (origin: string, t: string) => soap11(origin, 'LogOut', { AuthenticationTicket: t })],
  ['SOAP 1.2', (origin: string, t: string) => soap12(origin, 'LogOut', { AuthenticationTicket: t })],
])(
  'store-unavailable on %s answers what a real outage answers, and the LogOut leaves the ticket alive',
  async (_name, logOut) => {
    const ticket = await login(server.origin);
    await admin.armFault({ fault: 'store-unavailable', operation: 'LogOut' });
    const injected = await logOut(server.origin, ticket);
    const real = await logOut(outage.origin, ticket);
    expect(real.body).toContain('[903]');
    expect(comparable(injected)).toEqual(comparable(real));
    expect(await valid(ticket)).toBe('true');
    expect(await admin.faults()).toEqual([]);
    // Once consumed, the next LogOut runs.
    expect(rootAttribute((await logOut(server.origin, ticket)).body, 'success') ?? 'soap').not.toBe('false');
    expect(await valid(ticket)).toBe('false');
  },
);

test('each matching call consumes one; GET lists what is left; other operations and transports pass', async () => {
  const ticket = await login(server.origin);
  const armed = await admin.armFault({
    fault: 'error',
    operation: 'isValidTicket',
    transport: 'http-get',
    times: 2,
    message: '[905] Custom',
  });
  expect(armed).toMatchObject({ id: expect.any(String), remaining: 2, service: 'any', fault: 'error' });
  // Another transport, another operation: not matched.
  expect(
    rootAttribute(
      (await formPost(server.origin, 'isValidTicket', { AuthenticationTicket: ticket })).body,
      'success',
    ),
  ).toBe('true');
  expect((await admin.faults())[0]?.remaining).toBe(2);
  const first = await httpGet(server.origin, 'isValidTicket', { AuthenticationTicket: ticket });
  expect(first.status).toBe(200);
  expect(first.body).toBe(
    '<?xml version="1.0" encoding="utf-8"?>\n<root success="false" error="[905] Custom" />',
  );
  expect((await admin.faults())[0]?.remaining).toBe(1);
  await httpGet(server.origin, 'isValidTicket', { AuthenticationTicket: ticket });
  expect(await admin.faults()).toEqual([]);
  expect(await valid(ticket)).toBe('true');
});

test('service matching is by path, case-insensitively; a fault for another service passes', async () => {
  await admin.armFault({ fault: 'http-500', service: '/other.asmx' });
  expect((await httpGet(server.origin, 'isValidTicket', { AuthenticationTicket: 'x' })).status).toBe(200);
  await admin.disarm();
  await admin.armFault({ fault: 'http-500', service: '/SRV.asmx' });
  const res = await httpGet(server.origin, 'isValidTicket', { AuthenticationTicket: 'x' });
  expect(res.status).toBe(500);
  expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
});

test('soap-fault: a soap:Server fault with the message; over GET a 500 text/plain', async () => {
  const ticket = await login(server.origin);
  await admin.armFault({
    fault: 'soap-fault',
    operation: 'LogOut',
    times: 2,
    message: 'Server was unable to process request. ---> Boom',
  });
  const soap = await soap11(server.origin, 'LogOut', { AuthenticationTicket: ticket });
  expect(soap.status).toBe(500);
  expect(soap.body).toContain('<faultcode>soap:Server</faultcode>');
  expect(soap.body).toContain(
    '<faultstring>System.Web.Services.Protocols.SoapException: Server was unable to process request. ---&gt; Boom</faultstring>',
  );
  const get = await httpGet(server.origin, 'LogOut', { AuthenticationTicket: ticket });
  expect(get.status).toBe(500);
  expect(get.body).toBe(
    'System.Web.Services.Protocols.SoapException: Server was unable to process request. ---&gt; Boom',
  );
  expect(await valid(ticket)).toBe('true');
});

test('latency: the call waits, then runs', async () => {
  const ticket = await login(server.origin);
  await admin.armFault({ fault: 'latency', operation: 'LogOut', latencyMs: 300 });
  const started = performance.now();
  const res = await httpGet(server.origin, 'LogOut', { AuthenticationTicket: ticket });
  expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  expect(rootAttribute(res.body, 'success')).toBe('true');
  const [entry] = await admin.requests({ operation: 'LogOut', since: new Date(0) }).then((r) => r.slice(-1));
  expect(entry).toMatchObject({ fault: 'latency', outcome: 'success' });
  expect(entry!.durationMs).toBeGreaterThanOrEqual(290);
});

test('reset-connection: the connection is cut without an answer, and the ticket stays', async () => {
  const ticket = await login(server.origin);
  await admin.armFault({ fault: 'reset-connection', operation: 'LogOut' });
  await expect(httpGet(server.origin, 'LogOut', { AuthenticationTicket: ticket })).rejects.toThrow(
    /socket hang up|ECONNRESET/,
  );
  expect(await valid(ticket)).toBe('true');
});

test('DELETE one fault by id, or all; 404 for an unknown id', async () => {
  const a = await admin.armFault({ fault: 'http-500', operation: 'Nope1' });
  await admin.armFault({ fault: 'http-500', operation: 'Nope2' });
  await admin.disarm(a.id);
  expect((await admin.faults()).map((f) => f.operation)).toEqual(['Nope2']);
  await expect(admin.disarm(a.id)).rejects.toMatchObject({ status: 404 });
  await admin.disarm();
  expect(await admin.faults()).toEqual([]);
});

test.each([
  [{ fault: 'meltdown' }],
  [{}],
  [{ fault: 'latency', latencyMs: -1 }],
  [{ fault: 'http-500', times: 0 }],
  [{ fault: 'http-500', transport: 'smtp' }],
  [{ fault: 'http-500', colour: 'red' }],
])('400 for %j, and nothing is armed', async (body) => {
  const res = await httpRequest(server.origin, '/_emulator/faults', {
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(400);
  expect(JSON.parse(res.body).error).toMatch(/^not a fault: /);
  expect(await admin.faults()).toEqual([]);
});
