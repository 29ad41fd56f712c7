/**
 * The admin API's access rule, over HTTP: on by itself only on a loopback address; with
 * ADMIN_TOKEN every call needs the bearer token; never on a service path; with ADMIN_API=off
 * never, and the services answer the same while the sessions are still followed.
 */
import { DAY_MS, ManualClock } from '../src/clock';
import { createEmulator } from '../src/emulator';
import { startServer, type RunningServer } from '../src/server';
import { MemoryTicketStore } from '../src/tickets/MemoryTicketStore';
import { formPost, httpGet, httpRequest, login, rootAttribute, soap11, soap12 } from './support/http';
import { startLoggedServer } from './support/logSink';
import { startTestServer, type TestServer } from './support/testServer';

const UNKNOWN = '00000000-0000-4000-8000-000000000000';

const TOKEN = 'a-long-admin-token-for-tests';
const servers: { close(): Promise<void> }[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

async function start(config: Record<string, unknown>, host: string): Promise<RunningServer> {
  const running = await startServer(createEmulator({ config: { logLevel: 'silent', ...config } }), 0, host);
  servers.push(running);
  return running;
}
/** The origin of a server listening on every address, reached through the loopback address. */
const viaLoopback = (running: RunningServer) => `http://127.0.0.1:${running.origin.split(':').pop()}`;

describe('without ADMIN_TOKEN', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    servers.push(server);
  });

  test('answers on a loopback address', async () => {
    const res = await httpRequest(server.origin, '/_emulator/clock');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(JSON.parse(res.body)).toMatchObject({ real: true, offsetMs: 0 });
  });

  test('is off on a non-loopback address, even for a request that arrives through 127.0.0.1', async () => {
    const running = await start({}, '0.0.0.0');
    for (const path of ['/_emulator/', '/_emulator/clock', '/_emulator/sessions']) {
      const res = await httpRequest(viaLoopback(running), path);
      expect({ path, status: res.status, body: res.body }).toEqual({ path, status: 404, body: 'Not found.' });
    }
    const post = await httpRequest(viaLoopback(running), '/_emulator/reset', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(post.status).toBe(404);
  });

  test('an unknown admin path is a JSON 404 naming the README', async () => {
    const res = await httpRequest(server.origin, '/_emulator/nope');
    expect(res.status).toBe(404);
    expect(JSON.parse(res.body).error).toMatch(/Steering it from tests/);
  });
});

describe('with ADMIN_TOKEN', () => {
  let running: RunningServer;
  beforeAll(async () => {
    running = await start({ adminToken: TOKEN }, '0.0.0.0');
  });

  test.each([
    ['no header', {}],
    ['a wrong token', { Authorization: `Bearer ${TOKEN}x` }],
    ['a prefix of the token', { Authorization: `Bearer ${TOKEN.slice(0, -1)}` }],
    ['another scheme', { Authorization: `Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}` }],
    ['an empty bearer', { Authorization: 'Bearer ' }],
  ])('401 with %s', async (_label, headers: Record<string, string>) => {
    for (const path of ['/_emulator/', '/_emulator/clock', '/_emulator/requests', '/_emulator/nope']) {
      const res = await httpRequest(viaLoopback(running), path, { headers });
      expect({ path, status: res.status }).toEqual({ path, status: 401 });
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(res.body).not.toContain(TOKEN);
    }
  });

  test('answers with the token, on any listening address', async () => {
    const res = await httpRequest(viaLoopback(running), '/_emulator/clock', {
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ real: true });
  });

  test('a loopback server with a token still needs it', async () => {
    const loopback = await start({ adminToken: TOKEN }, '127.0.0.1');
    expect((await httpRequest(loopback.origin, '/_emulator/clock')).status).toBe(401);
    const ok = await httpRequest(loopback.origin, '/_emulator/clock', {
      headers: { Authorization: `bearer ${TOKEN}` },
    });
    expect(ok.status).toBe(200);
  });
});

describe('service paths', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    servers.push(server);
  });

  test('no admin path answers under a service path: ASMX answers there', async () => {
    const res = await httpRequest(server.origin, '/srv.asmx/_emulator/clock');
    expect(res.status).toBe(500);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.body).toContain(
      "Request format is unrecognized for URL unexpectedly ending in '/_emulator/clock'",
    );
    const op = await httpRequest(server.origin, '/srv.asmx/_emulator');
    expect(op.body).toContain('_emulator Web Service method name is not valid.');
  });

  test('the service bytes are the same with the admin API on and off', async () => {
    const off = await start({}, '0.0.0.0');
    const path = '/srv.asmx/LogOut?AuthenticationTicket=00000000-0000-0000-0000-000000000000';
    const a = await httpRequest(server.origin, path);
    const b = await httpRequest(viaLoopback(off), path);
    expect(a.status).toBe(b.status);
    expect(a.body).toBe(b.body);
    const strip = (h: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(h).filter(([name]) => name !== 'date'));
    expect(strip(a.headers)).toEqual(strip(b.headers));
  });
});

describe('ADMIN_API=off', () => {
  let off: TestServer;
  let on: TestServer;
  beforeAll(async () => {
    [off, on] = await Promise.all([startTestServer({ adminApi: 'off' }), startTestServer()]);
    servers.push(off, on);
  });

  test('on a loopback address every admin path answers as an unknown path does', async () => {
    const unknown = await httpRequest(off.origin, '/no-such-path');
    expect(unknown.status).toBe(404);
    const answerOf = (res: { status: number; headers: Record<string, unknown>; body: string }) => ({
      status: res.status,
      type: res.headers['content-type'],
      cache: res.headers['cache-control'],
      body: res.body,
    });
    const paths = [
      '/_emulator',
      '/_emulator/',
      '/_emulator/clock',
      '/_emulator/faults',
      '/_emulator/requests',
      '/_emulator/sessions',
      '/_emulator/sessions/report',
      '/_emulator/usage',
      '/_emulator/nope',
    ];
    for (const path of paths) {
      expect({ path, ...answerOf(await httpRequest(off.origin, path)) }).toEqual({
        path,
        ...answerOf(unknown),
      });
    }
    const changes: [string, string][] = [
      ['POST', '/_emulator/reset'],
      ['POST', '/_emulator/clock'],
      ['DELETE', '/_emulator/sessions/abc'],
    ];
    for (const [method, path] of changes) {
      const res = await httpRequest(off.origin, path, {
        method,
        headers: { 'Content-Type': 'application/json' },
        body: '{"advance":"P1D"}',
      });
      expect({ method, path, ...answerOf(res) }).toEqual({ method, path, ...answerOf(unknown) });
    }
    // The API that is there by default answers the same paths.
    expect((await httpRequest(on.origin, '/_emulator/clock')).status).toBe(200);
  });

  test('a token does not turn it on', async () => {
    const running = await start({ adminApi: 'off', adminToken: TOKEN }, '0.0.0.0');
    const res = await httpRequest(viaLoopback(running), '/_emulator/clock', {
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    expect({ status: res.status, body: res.body }).toEqual({ status: 404, body: 'Not found.' });
  });

  test('nothing of the control plane is built: no admin control, usage counts or fault checks', () => {
    expect(off.emulator.admin).toBeUndefined();
    expect(off.emulator.usage).toBeUndefined();
    expect(on.emulator.admin).toBeDefined();
  });

  test('no shared control plane is asked of a store that offers one (no Redis subscription)', async () => {
    const store = new MemoryTicketStore({ ttlMs: 30 * DAY_MS, maxTickets: 100, clock: new ManualClock(0) });
    const sharedControl = jest.fn(() => {
      throw new Error('not to be asked');
    });
    const emulator = createEmulator({
      config: { adminApi: 'off', logLevel: 'silent' },
      store: Object.assign(store, { sharedControl }),
    });
    await emulator.ready;
    expect(sharedControl).not.toHaveBeenCalled();
    await emulator.close();
  });

  test('service calls answer byte for byte what they answer with the admin API on', async () => {
    const exchange = async (origin: string) => {
      const answers = [];
      const signIn = await httpGet(origin, 'AuthenticateUser', { UID: 'jsmith', PWD: 'Secret123!' });
      const ticket = rootAttribute(signIn.body, 'ticket') ?? '';
      expect(ticket).toMatch(/^[0-9a-f-]{36}$/);
      answers.push(signIn);
      answers.push(await soap11(origin, 'isValidTicket', { AuthenticationTicket: ticket }));
      answers.push(await soap12(origin, 'LogOut', { AuthenticationTicket: ticket }));
      answers.push(await httpGet(origin, 'LogOut', { AuthenticationTicket: ticket }));
      answers.push(await formPost(origin, 'LogOut', { AuthenticationTicket: UNKNOWN }));
      answers.push(await soap11(origin, 'LogOut', { AuthenticationTicket: UNKNOWN }));
      answers.push(await httpRequest(origin, '/srv.asmx?WSDL'));
      answers.push(await httpRequest(origin, '/srv.asmx'));
      answers.push(await httpRequest(origin, '/srv.asmx/Nope'));
      // The answers name the ticket each server issued, and the server's own port.
      const port = new URL(origin).port;
      const same = (text: string) => text.split(ticket).join('<ticket>').split(`:${port}`).join(':<port>');
      return answers.map((res) => ({
        status: res.status,
        headers: Object.entries(res.headers)
          .filter(([name]) => name !== 'date')
          .map(([name, value]) => [name, same(String(value))]),
        body: same(res.body),
      }));
    };
    const [withoutAdmin, withAdmin] = [await exchange(off.origin), await exchange(on.origin)];
    expect(withoutAdmin).toEqual(withAdmin);
  });

  test('the sessions are still followed: asmx_sessions_ended_total counts a LogOut and a noticed expiry', async () => {
    const ended = async (reason: string) => {
      const text = (await httpRequest(off.origin, '/metrics')).body;
      const match = new RegExp(`^asmx_sessions_ended_total\\{reason="${reason}"\\} (\\d+)$`, 'm').exec(text);
      return Number(match?.[1]);
    };
    const before = { logout: await ended('logout'), expired: await ended('expired') };
    await httpGet(off.origin, 'LogOut', { AuthenticationTicket: await login(off.origin) });
    expect(await ended('logout')).toBe(before.logout + 1);
    await login(off.origin);
    // The clock is the base clock itself (the test's), unsteered.
    off.clock.advance(31 * DAY_MS);
    expect(await ended('expired')).toBe(before.expired + 1);
  });

  test('the shutdown summary still counts the sessions', async () => {
    const own = await startLoggedServer({ adminApi: 'off' });
    await httpGet(own.origin, 'LogOut', { AuthenticationTicket: await login(own.origin) });
    await login(own.origin);
    await own.close();
    const summaries = own.logs.entries.filter((e) => e.msg === 'session summary at shutdown');
    expect(summaries).toEqual([
      expect.objectContaining({ sessions: expect.objectContaining({ loggedOut: 1, open: 1 }) }),
    ]);
  });
});
