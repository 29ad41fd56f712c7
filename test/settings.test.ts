/**
 * Settings: everything that reaches a header, and the rules between settings, refused at start
 * with a message saying what is wrong and what is allowed; fractional ticket lifetimes; answers
 * that report a done LogOut even when something after the store change fails; and the settings
 * reference (README table, --help, flags, variables) generated from the schema.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { runCli } from '../src/cli';
import { DAY_MS, ManualClock } from '../src/clock';
import {
  ConfigError,
  ConfigSchema,
  ENVIRONMENT_VARIABLES,
  loadConfig,
  PACKAGE_ROOT,
  resolveConfig,
  SETTING_DOCS,
  SETTING_GROUPS,
} from '../src/config';
import { createEmulator } from '../src/emulator';
import type { Logger } from '../src/observability/logger';
import { SignOut } from '../src/signout/signout';
import { TRANSPORTS, httpGet, httpRequest, login, rootAttribute, type TransportName } from './support/http';
import { startTestServer, type TestServer } from './support/testServer';

const LOGOUT_OK = '<?xml version="1.0" encoding="utf-8"?>\n<root success="true" />';

function refusal(load: () => unknown): string {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('the configuration was accepted');
}
const refusalOf = (env: NodeJS.ProcessEnv) => refusal(() => loadConfig({ env }));

async function alive(origin: string, ticket: string): Promise<boolean> {
  const res = await httpGet(origin, 'isValidTicket', { AuthenticationTicket: ticket });
  return rootAttribute(res.body, 'success') === 'true';
}

describe('settings that end up in a header are refused at start', () => {
  test('a cookie name with CR/LF: the setting, the item, what is wrong and what is allowed', () => {
    expect(refusalOf({ CLEAR_COOKIES: 'portal_session,bad\r\nSet-Cookie: x=1' })).toBe(
      'invalid configuration:\n' +
        '  CLEAR_COOKIES="portal_session,bad\\r\\nSet-Cookie: x=1": "bad\\r\\nSet-Cookie: x=1" (item 2) is not a cookie name: ' +
        'it contains "\\r" (U+000D) at position 4; a cookie name is an RFC 6265 token: letters, digits and ' +
        '!#$%&\'*+-.^_`|~ (no spaces, control characters or any of ()<>@,;:\\"/[]?={})',
    );
  });

  test.each([
    [
      'CLEAR_COOKIES',
      'a;b',
      /"a;b" \(item 1\) is not a cookie name: it contains ";" \(U\+003B\) at position 2/,
    ],
    ['CLEAR_COOKIES', 'portal session', /"portal session" \(item 1\) is not a cookie name: it contains " "/],
    ['CLEAR_COOKIES', 'sid=1', /is not a cookie name: it contains "="/],
    ['CLEAR_COOKIES', 'sess(1)', /is not a cookie name: it contains "\("/],
    ['CLEAR_COOKIES', 'café', /is not a cookie name: it contains "é" \(U\+00E9\)/],
    [
      'COOKIE_PATH',
      '/app;HttpOnly',
      /COOKIE_PATH="\/app;HttpOnly": it contains ";" \(U\+003B\) at position 5; .*path starting with "\/"/,
    ],
    ['COOKIE_PATH', '/my app', /COOKIE_PATH="\/my app": it contains " " \(U\+0020\)/],
    ['COOKIE_PATH', 'app', /COOKIE_PATH="app": must start with "\/"/],
    [
      'COOKIE_DOMAIN',
      'example.com;Secure',
      /COOKIE_DOMAIN="example.com;Secure": is not a domain name: .*"example.com" or ".example.com"/,
    ],
    [
      'COOKIE_DOMAIN',
      'https://example.com',
      /COOKIE_DOMAIN="https:\/\/example.com": is not a domain name: .*no scheme, port or path/,
    ],
    ['COOKIE_DOMAIN', 'example.com:8080', /is not a domain name/],
    [
      'LOGOUT_LANDING_URL',
      '/bye\r\nSet-Cookie: x=1',
      /LOGOUT_LANDING_URL=".*": it contains "\\r" \(U\+000D\) at position 5; .*a path on this site .* or an absolute http\(s\) URL/,
    ],
    [
      'LOGOUT_LANDING_URL',
      'javascript:alert(1)',
      /LOGOUT_LANDING_URL="javascript:alert\(1\)": is neither a path on this site .* nor an absolute http\(s\) URL/,
    ],
    [
      'LOGOUT_LANDING_URL',
      '//evil.example/',
      /LOGOUT_LANDING_URL=".*": "\/\/" starts a protocol-relative URL/,
    ],
    ['LOGOUT_LANDING_URL', '/a\\b', /it contains "\\\\" \(U\+005C\)/],
    [
      'LOGOUT_ERROR_URL',
      'https://portal.example.com/error?code=%error_code% ',
      /LOGOUT_ERROR_URL=".*": it contains " "/,
    ],
    ['LOGOUT_ERROR_URL', 'https://', /LOGOUT_ERROR_URL="https:\/\/": is not a valid URL/],
    [
      'EXTERNAL_LOGIN_URL',
      'ftp://login.example/?next=%next_page%',
      /EXTERNAL_LOGIN_URL=".*": is neither a path on this site/,
    ],
    [
      'LOGOUT_WEBHOOKS',
      'mailto:ops@example.com',
      /"mailto:ops@example.com" \(item 1\) is not an http\(s\) URL/,
    ],
    [
      'LOGOUT_WEBHOOKS',
      'https://user:pw@hooks.example/',
      /"https:\/\/user:pw@hooks.example\/" \(item 1\) carries credentials/,
    ],
    [
      'REDIRECT_ALLOWED_HOSTS',
      'https://portal.example.com',
      /"https:\/\/portal.example.com" \(item 1\) is not a host: .*"portal.example.com:8443"/,
    ],
    [
      'CSRF_ALLOWED_ORIGINS',
      'https://portal.example.com/app',
      /"https:\/\/portal.example.com\/app" \(item 1\) is not an origin: .*scheme:\/\/host\[:port\]/,
    ],
    ['CSRF_ALLOWED_ORIGINS', 'null', /"null" \(item 1\) is not an origin/],
    [
      'REDIS_URL',
      'http://127.0.0.1:6379',
      /REDIS_URL="http:\/\/127.0.0.1:6379": must be a redis:\/\/ or rediss:\/\/ URL/,
    ],
  ])('%s=%j', (variable, value, message) => {
    expect(refusalOf({ [variable]: value })).toMatch(message);
  });

  test('well-formed values still pass, and the cookies they give are what browsers take', () => {
    const config = loadConfig({
      env: {
        CLEAR_COOKIES: "portal_session, __Secure-profile, a!#$%&'*+-.^_`|~z",
        COOKIE_PATH: '/app/sub-path_1.~',
        COOKIE_DOMAIN: '.example.test',
        LOGOUT_LANDING_URL: 'https://portal.example.com/bye?from=emulator',
        LOGOUT_ERROR_URL: '/error?code=%error_code%',
        EXTERNAL_LOGIN_URL: 'https://login.example.com/?next=%next_page%',
        LOGOUT_WEBHOOKS: 'https://hooks.example.com/logout, http://127.0.0.1:9000/hook',
        WEBHOOK_SECRET: 'hook-secret',
        REDIRECT_ALLOWED_HOSTS: 'portal.example.com, Portal.Example.com:8443, [::1]:8080, 10.0.0.7',
        CSRF_ALLOWED_ORIGINS: 'https://portal.example.com, http://localhost:3000/',
        REDIS_URL: 'rediss://:secret@redis.internal:6380/2',
      },
    });
    expect(config.clearCookies).toEqual(['portal_session', '__Secure-profile', "a!#$%&'*+-.^_`|~z"]);
    const signOut = new SignOut(config, new ManualClock(), () => undefined);
    const req = { headers: {}, socket: {} } as unknown as http.IncomingMessage;
    for (const header of signOut.clearingCookies(req))
      expect(() => http.validateHeaderValue('Set-Cookie', header)).not.toThrow();
  });
});

describe('rules between settings', () => {
  test('HEADERS_TIMEOUT_MS over REQUEST_TIMEOUT_MS (Node would refuse it at listen)', () => {
    expect(refusalOf({ HEADERS_TIMEOUT_MS: '40000' })).toBe(
      'invalid configuration:\n' +
        '  HEADERS_TIMEOUT_MS="40000": must not exceed REQUEST_TIMEOUT_MS (30000): the headers are part of ' +
        'the request, and Node refuses a headers timeout longer than the request timeout',
    );
    expect(
      refusal(() => loadConfig({ flags: { headersTimeoutMs: 900 }, env: { REQUEST_TIMEOUT_MS: '600' } })),
    ).toMatch(/--headers-timeout-ms \(command line\)=900: must not exceed REQUEST_TIMEOUT_MS \(600\)/);
    expect(
      loadConfig({ env: { HEADERS_TIMEOUT_MS: '600', REQUEST_TIMEOUT_MS: '600' } }).headersTimeoutMs,
    ).toBe(600);
  });

  test('webhooks need a secret to sign with', () => {
    expect(refusalOf({ LOGOUT_WEBHOOKS: 'https://hooks.example.com/logout' })).toMatch(
      /LOGOUT_WEBHOOKS="https:\/\/hooks.example.com\/logout": needs WEBHOOK_SECRET/,
    );
  });

  test('the CSRF guard on a shared Redis store needs a shared secret', () => {
    expect(refusalOf({ CSRF_GUARD: 'true', STORE: 'redis' })).toMatch(
      /CSRF_GUARD="true": needs CSRF_SECRET when STORE=redis/,
    );
    expect(loadConfig({ env: { CSRF_GUARD: 'true', STORE: 'redis', CSRF_SECRET: 's' } }).csrfGuard).toBe(
      true,
    );
    expect(loadConfig({ env: { CSRF_GUARD: 'true' } }).csrfGuard).toBe(true);
  });

  test('a __Host- cookie cannot be cleared with a Domain or a Path other than /', () => {
    expect(refusalOf({ CLEAR_COOKIES: '__Host-sid', COOKIE_DOMAIN: 'example.com' })).toMatch(
      /CLEAR_COOKIES="__Host-sid": "__Host-sid" cannot be cleared with COOKIE_DOMAIN \("example.com"\)/,
    );
    expect(refusalOf({ CLEAR_COOKIES: '__Host-sid', COOKIE_PATH: '/app' })).toMatch(
      /cannot be cleared with COOKIE_PATH \("\/app"\)/,
    );
    expect(loadConfig({ env: { CLEAR_COOKIES: '__Host-sid' } }).clearCookies).toEqual(['__Host-sid']);
  });

  test('library use is validated the same way', () => {
    expect(
      refusal(() => createEmulator({ config: { clearCookies: ['bad name'], logLevel: 'silent' } })),
    ).toMatch(/clearCookies=\["bad name"\]: "bad name" \(item 1\) is not a cookie name/);
    expect(refusal(() => resolveConfig({ headersTimeoutMs: 5000, requestTimeoutMs: 1000 }))).toMatch(
      /headersTimeoutMs=5000: must not exceed REQUEST_TIMEOUT_MS \(1000\)/,
    );
  });

  test('the command line: exit code 2 and the message, never a start that dies with exit 1', async () => {
    const err: string[] = [];
    const io = {
      env: { PORT: '0', HEADERS_TIMEOUT_MS: '60000' },
      out: () => undefined,
      err: (l: string) => err.push(l),
    };
    expect(await runCli([], io)).toBe(2);
    expect(err.join('\n')).toContain(
      'HEADERS_TIMEOUT_MS="60000": must not exceed REQUEST_TIMEOUT_MS (30000)',
    );
  });
});

describe('ADMIN_API', () => {
  test('auto by default; auto and off accepted; anything else refused, naming the setting and the values', async () => {
    expect(loadConfig({ env: {} }).adminApi).toBe('auto');
    expect(loadConfig({ env: { ADMIN_API: 'off' } }).adminApi).toBe('off');
    expect(loadConfig({ env: { ADMIN_API: 'auto' } }).adminApi).toBe('auto');
    for (const value of ['on', 'OFF', 'false', 'none']) {
      expect(refusalOf({ ADMIN_API: value })).toBe(
        `invalid configuration:\n  ADMIN_API="${value}": Invalid option: expected one of "auto"|"off"`,
      );
    }
    expect(refusal(() => loadConfig({ flags: { adminApi: 'no' as 'off' } }))).toMatch(
      /--admin-api \(command line\)="no": Invalid option: expected one of "auto"\|"off"/,
    );
    expect(refusal(() => createEmulator({ config: { adminApi: 'disabled' as 'off' } }))).toMatch(
      /adminApi="disabled": Invalid option: expected one of "auto"\|"off"/,
    );
    const err: string[] = [];
    const io = { env: { PORT: '0', ADMIN_API: 'on' }, out: () => undefined, err: (l: string) => err.push(l) };
    expect(await runCli([], io)).toBe(2);
    expect(err.join('\n')).toContain('ADMIN_API="on": Invalid option: expected one of "auto"|"off"');
  });
});

describe('fractional TICKET_TTL_DAYS', () => {
  test('a lifetime that rounds below one second is refused', () => {
    expect(refusalOf({ TICKET_TTL_DAYS: '0.0000001' })).toBe(
      'invalid configuration:\n' +
        '  TICKET_TTL_DAYS="0.0000001": must be at least one second (0.0000115741 days): tickets live whole ' +
        'milliseconds on both stores, and 1e-7 days is 9 ms',
    );
    expect(loadConfig({ env: { TICKET_TTL_DAYS: String(1 / 86_400) } }).ticketTtlDays).toBeCloseTo(
      1 / 86_400,
    );
  });

  test('half a day works end to end on the memory store', async () => {
    expect(loadConfig({ env: { TICKET_TTL_DAYS: '0.5' } }).ticketTtlDays).toBe(0.5);
    const server = await startTestServer({ ticketTtlDays: 0.5 });
    try {
      const ticket = await login(server.origin);
      const issuedAt = server.clock.now();
      const check = await httpGet(server.origin, 'isValidTicket', { AuthenticationTicket: ticket });
      expect(rootAttribute(check.body, 'expireOn')).toBe(
        new Date(issuedAt + DAY_MS / 2).toISOString().replace('.000Z', 'Z'),
      );
      // isValidTicket is passive: the window still ends 12 hours after the sign-in.
      server.clock.advance(DAY_MS / 2 - 1000);
      expect(await alive(server.origin, ticket)).toBe(true);
      server.clock.advance(2000);
      expect(await alive(server.origin, ticket)).toBe(false);

      // A use slides the window by another half day.
      const second = await login(server.origin);
      server.clock.advance(DAY_MS / 4);
      const renewed = await httpGet(server.origin, 'RenewTicket', {
        UID: 'jsmith',
        PWD: 'Secret123!',
        Lang: 'en',
        OldTicket: second,
      });
      expect(rootAttribute(renewed.body, 'ticket')).toBe(second);
      server.clock.advance(DAY_MS / 2 - 1000);
      expect(await alive(server.origin, second)).toBe(true);
      server.clock.advance(2000);
      expect(await alive(server.origin, second)).toBe(false);
    } finally {
      await server.close();
    }
  });
});

describe('an answer that fails after the store changed still reports the change', () => {
  let server: TestServer;
  const warnings: string[] = [];
  beforeEach(async () => {
    server = await startTestServer({ clearCookies: 'portal_session' });
    warnings.length = 0;
    jest.spyOn(server.emulator.logger, 'warn').mockImplementation(((message: string) => {
      warnings.push(message);
    }) as unknown as Logger['warn']);
    jest.spyOn(server.emulator.logger, 'error').mockImplementation(((...args: unknown[]) => {
      warnings.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
    }) as unknown as Logger['error']);
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await server.close();
  });

  test.each(Object.keys(TRANSPORTS) as TransportName[])(
    'a broken cookie setting injected past validation: a cookie LogOut over %s still answers success',
    async (transport) => {
      // Library users hold the validated Config; changing it afterwards must not break sign-outs.
      server.emulator.config.clearCookies.push('bad\r\nname');
      const ticket = await login(server.origin);
      const res = await TRANSPORTS[transport](
        server.origin,
        'LogOut',
        { AuthenticationTicket: '' },
        { Cookie: `ticket=${ticket}` },
      );
      expect([res.status, rootAttribute(res.body, 'success')]).toEqual([200, 'true']);
      expect(await alive(server.origin, ticket)).toBe(false);
    },
  );

  test('a SignOut built from a crafted Config with a bad cookie is refused when it is built', () => {
    const crafted = { ...resolveConfig(), clearCookies: ['bad;name'] };
    expect(() => new SignOut(crafted, new ManualClock(), () => undefined)).toThrow(/bad;name/);
  });

  test.each(Object.keys(TRANSPORTS) as TransportName[])(
    'a throwing webhook notifier: LogOut over %s answers success, and the ticket is gone',
    async (transport) => {
      server.emulator.signOut.webhooks.notify = () => {
        throw new Error('notifier down');
      };
      const ticket = await login(server.origin);
      const res = await TRANSPORTS[transport](server.origin, 'LogOut', { AuthenticationTicket: ticket });
      expect([res.status, rootAttribute(res.body, 'success')]).toEqual([200, 'true']);
      expect(await alive(server.origin, ticket)).toBe(false);
      expect(warnings.join('\n')).toContain('notifier down');
    },
  );

  test('a throwing webhook notifier: /logout still redirects and answers JSON success', async () => {
    server.emulator.signOut.webhooks.notify = () => {
      throw new Error('notifier down');
    };
    const ticket = await login(server.origin);
    const redirect = await httpRequest(server.origin, `/logout?ticket=${ticket}&returnUrl=/bye`);
    expect([redirect.status, redirect.headers.location]).toEqual([302, '/bye']);
    const other = await login(server.origin);
    const json = await httpRequest(server.origin, '/logout', {
      method: 'POST',
      headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `ticket=${other}`,
    });
    expect([json.status, json.body]).toEqual([200, '{"logoutSuccess":true}']);
  });

  test('cookie clearing that throws: the LogOut answers success without the cookies, on every path', async () => {
    jest.spyOn(server.emulator.signOut, 'clearingCookies').mockImplementation(() => {
      throw new TypeError('cookie clearing failed');
    });
    for (const transport of Object.keys(TRANSPORTS) as TransportName[]) {
      const ticket = await login(server.origin);
      const res = await TRANSPORTS[transport](
        server.origin,
        'LogOut',
        { AuthenticationTicket: '' },
        { Cookie: `ticket=${ticket}` },
      );
      expect([transport, res.status, rootAttribute(res.body, 'success')]).toEqual([transport, 200, 'true']);
      expect(await alive(server.origin, ticket)).toBe(false);
    }
    const ticket = await login(server.origin);
    const redirect = await httpRequest(server.origin, '/logout?returnUrl=/bye', {
      headers: { Cookie: `ticket=${ticket}` },
    });
    expect([redirect.status, redirect.headers.location]).toEqual([302, '/bye']);
    expect(await alive(server.origin, ticket)).toBe(false);
    expect(warnings.join('\n')).toContain('cookie clearing failed');
  });

  test('a CSRF token that cannot be made: the sign-in still answers its ticket', async () => {
    const guarded = await startTestServer({ csrfGuard: true, csrfSecret: 's' });
    try {
      jest.spyOn(guarded.emulator.signOut.csrf, 'tokenFor').mockImplementation(() => {
        throw new Error('no token');
      });
      jest
        .spyOn(guarded.emulator.logger, 'warn')
        .mockImplementation((() => undefined) as unknown as Logger['warn']);
      const res = await httpGet(guarded.origin, 'AuthenticateUser', { UID: 'jsmith', PWD: 'Secret123!' });
      expect([res.status, rootAttribute(res.body, 'success')]).toEqual([200, 'true']);
      expect(await alive(guarded.origin, rootAttribute(res.body, 'ticket') as string)).toBe(true);
    } finally {
      await guarded.close();
    }
  });
});

test('a request log that throws neither cuts the answer of a done LogOut nor its keep-alive connection', async () => {
  const logger = createEmulator({ config: { logLevel: 'silent' } }).logger;
  const throwing = Object.assign(Object.create(logger) as Logger, {
    isLevelEnabled: () => true,
    info: () => {
      throw new Error('log sink down');
    },
  });
  const emulator = createEmulator({ config: { logLevel: 'info' }, logger: throwing });
  const server = http.createServer(emulator.handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const sockets = new Set<unknown>();
  const get = (path: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      http
        .get(`${origin}${path}`, { agent }, (res) => {
          sockets.add(res.socket);
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        })
        .on('error', reject);
    });
  try {
    for (let i = 0; i < 5; i++) {
      const signIn = await get('/srv.asmx/AuthenticateUser?UID=jsmith&PWD=Secret123!');
      const res = await get(`/srv.asmx/LogOut?AuthenticationTicket=${rootAttribute(signIn.body, 'ticket')}`);
      expect([res.status, res.body]).toEqual([200, LOGOUT_OK]);
    }
    expect(sockets.size).toBe(1);
  } finally {
    agent.destroy();
    await new Promise((resolve) => server.close(resolve));
    await emulator.close();
  }
});

describe('the settings reference is generated from the schema', () => {
  const docs = () => import('../src/settingsDocs');
  const keys = Object.keys(ConfigSchema.shape);
  const constantCase = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();
  const kebabCase = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

  test('every setting has a description and a group, next to the schema', () => {
    const docs = SETTING_DOCS as Record<string, { group: string; description: string } | undefined>;
    const problems = keys.flatMap((key) => {
      const doc = docs[key];
      const out: string[] = [];
      if (!doc || doc.description.length < 10) out.push(`${key}: no description in SETTING_DOCS`);
      if (!Object.keys(SETTING_GROUPS).includes(String(doc?.group))) out.push(`${key}: no known group`);
      return out;
    });
    expect(problems).toEqual([]);
    expect(Object.keys(docs).filter((key) => !keys.includes(key))).toEqual([]);
  });

  test('every setting has an environment variable and a flag, generated from its name', async () => {
    const { settingsReference } = await docs();
    expect(Object.keys(ENVIRONMENT_VARIABLES).sort()).toEqual([...keys].sort());
    for (const key of keys)
      expect(ENVIRONMENT_VARIABLES[key as keyof typeof ENVIRONMENT_VARIABLES]).toBe(constantCase(key));
    expect(settingsReference().map((s) => [s.key, s.variable, s.flag])).toEqual(
      expect.arrayContaining(keys.map((key) => [key, constantCase(key), `--${kebabCase(key)}`])),
    );
  });

  test('the README settings section is what `npm run docs:settings` writes', async () => {
    const { renderSettingsSection, SETTINGS_START, SETTINGS_END } = await docs();
    const readme = readFileSync(path.join(PACKAGE_ROOT, 'README.md'), 'utf8');
    const start = readme.indexOf(SETTINGS_START);
    const end = readme.indexOf(SETTINGS_END);
    expect([start >= 0, end > start]).toEqual([true, true]);
    const section = readme.slice(start + SETTINGS_START.length, end);
    // On a mismatch: run `npm run docs:settings` and commit the README.
    expect(section).toBe(renderSettingsSection());
    for (const key of keys) expect(section).toContain(`\`${constantCase(key)}\``);
  });

  test('--help lists every setting with its flag and variable', async () => {
    const out: string[] = [];
    expect(await runCli(['--help'], { env: {}, out: (l) => out.push(l), err: () => undefined })).toBe(0);
    const help = out.join('\n');
    for (const key of keys) {
      expect(help).toMatch(new RegExp(`--${kebabCase(key)} <[^>]+>.*\\b${constantCase(key)}\\b`));
    }
  });

  test('every flag is accepted by the command line and reaches its setting', async () => {
    const err: string[] = [];
    const io = { env: {}, out: () => undefined, err: (l: string) => err.push(l) };
    for (const key of keys) {
      expect([key, await runCli([`--${kebabCase(key)}`, 'x', '--help'], io)]).toEqual([key, 0]);
    }
    expect(err).toEqual([]);
    const refused: string[] = [];
    const code = await runCli(['--ticket-ttl-days', '0.0000001', '--max-tickets', 'many'], {
      env: {},
      out: () => undefined,
      err: (l) => refused.push(l),
    });
    expect(code).toBe(2);
    expect(refused.join('\n')).toMatch(
      /--ticket-ttl-days \(command line\)="0.0000001": must be at least one second/,
    );
    expect(refused.join('\n')).toMatch(/--max-tickets \(command line\)="many"/);
  });
});
