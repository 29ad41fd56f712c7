/**
 * The admin API's access rule, over HTTP: on by itself only on a loopback address; with
 * ADMIN_TOKEN every call needs the bearer token; never on a service path.
 */
import { createEmulator } from '../src/emulator';
import { startServer, type RunningServer } from '../src/server';
import { httpRequest } from './support/http';
import { startTestServer, type TestServer } from './support/testServer';

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
