/**
 * Interoperability with Python zeep (Debian's python3-zeep, run by /usr/bin/python3): the
 * client reads the served WSDL, binds the SrvSoap or SrvSoap12 port and runs the ticket
 * lifecycle through it, including LogOut by the `ticket` cookie of its requests session with
 * the AuthenticationTicket parameter absent or empty. test/interop/zeep_client.py does the
 * calls and prints one JSON line; this file asserts on it. A missing zeep is a failure, never a
 * skip: `node scripts/ensure-system-deps.mjs` installs it.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { httpGet, rootAttribute } from './support/http';
import { startTestServer, type TestServer } from './support/testServer';
import { GUID, INVALID, USER } from './support/expected';

const execFileAsync = promisify(execFile);

const PYTHON = '/usr/bin/python3';
const SCRIPT = path.join(__dirname, 'interop', 'zeep_client.py');
const RUN_TIMEOUT_MS = 60_000;
// The first test of each binding waits for the whole zeep run.
jest.setTimeout(RUN_TIMEOUT_MS + 15_000);

const LOGIN_ATTRIBUTE_ORDER = ['success', 'ticket', ...Object.keys(USER)];
const VALID_ATTRIBUTE_ORDER = ['success', ...Object.keys(USER)];

const BINDINGS = {
  SrvSoap: {
    envelope: 'http://schemas.xmlsoap.org/soap/envelope/',
    responseContentType: 'text/xml; charset=utf-8',
  },
  SrvSoap12: {
    envelope: 'http://www.w3.org/2003/05/soap-envelope',
    responseContentType: 'application/soap+xml; charset=utf-8',
  },
} as const;
type BindingName = keyof typeof BINDINGS;

/** The operation behind each step of zeep_client.py. */
const STEP_OPERATIONS = {
  login: 'AuthenticateUser',
  valid: 'isValidTicket',
  logout: 'LogOut',
  logoutAgain: 'LogOut',
  login2: 'AuthenticateUser',
  logoutNoCookie: 'LogOut',
  logoutCookie: 'LogOut',
  validAfterCookie: 'isValidTicket',
  login3: 'AuthenticateUser',
  logoutEmptyCookie: 'LogOut',
  validAfterEmpty: 'isValidTicket',
} as const;
type StepName = keyof typeof STEP_OPERATIONS;

interface Exchange {
  method: string;
  url: string;
  contentType: string | null;
  soapAction: string | null;
  cookie: string | null;
  body: string | null;
  status: number;
  responseContentType: string | null;
}

interface Step {
  resultType: string;
  tag: string | null;
  attrs: Record<string, string> | null;
  requestEnvelope: string | null;
  responseEnvelope: string | null;
  http: Exchange[];
}

interface ZeepRun {
  zeep: string;
  python: string;
  binding: string;
  tickets: string[];
  steps: Record<StepName, Step>;
}

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

function describeFailure(error: unknown): string {
  const e = error as { message?: string; code?: unknown; killed?: boolean; stdout?: string; stderr?: string };
  return [
    e.message ?? String(error),
    `exit code: ${String(e.code)}${e.killed ? ' (killed: timeout)' : ''}`,
    `stdout: ${e.stdout ?? ''}`,
    `stderr: ${e.stderr ?? ''}`,
  ].join('\n');
}

async function runZeep(binding: BindingName): Promise<ZeepRun> {
  const wsdlUrl = `${server.origin}/srv.asmx?WSDL`;
  let stdout: string;
  try {
    ({ stdout } = await execFileAsync(PYTHON, [SCRIPT, wsdlUrl, binding], {
      timeout: RUN_TIMEOUT_MS,
      killSignal: 'SIGKILL',
      maxBuffer: 16 * 1024 * 1024,
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
    }));
  } catch (error) {
    throw new Error(`zeep_client.py ${binding} failed:\n${describeFailure(error)}`);
  }
  const lines = stdout.trim().split('\n');
  try {
    return JSON.parse(lines[lines.length - 1] ?? '') as ZeepRun;
  } catch {
    throw new Error(`zeep_client.py ${binding} printed no JSON line:\n${stdout}`);
  }
}

test('zeep is importable by /usr/bin/python3 (python3-zeep is installed)', async () => {
  let version: string;
  try {
    ({ stdout: version } = await execFileAsync(PYTHON, ['-c', 'import zeep; print(zeep.__version__)'], {
      timeout: 30_000,
    }));
  } catch (error) {
    throw new Error(
      'Python zeep is not importable by /usr/bin/python3: run `node scripts/ensure-system-deps.mjs` ' +
        '(or `apt-get install -y python3-zeep`).\n' +
        describeFailure(error),
    );
  }
  expect(version.trim()).toMatch(/^\d+\.\d+/);
});

describe.each(Object.keys(BINDINGS) as BindingName[])('zeep through the %s binding', (binding) => {
  const expected = BINDINGS[binding];
  let run: Promise<ZeepRun> | undefined;
  /** One zeep run per binding, shared by the tests below (each fails on its own if it failed). */
  const zeepRun = () => (run ??= runZeep(binding));
  const step = async (name: StepName) => (await zeepRun()).steps[name];

  test('every call went to the WSDL address over the binding SOAP version and read <root> unqualified', async () => {
    const result = await zeepRun();
    expect(result.binding).toBe(binding);
    expect(Object.keys(result.steps).sort()).toEqual(Object.keys(STEP_OPERATIONS).sort());
    for (const [name, operation] of Object.entries(STEP_OPERATIONS) as [StepName, string][]) {
      const s = result.steps[name];
      const context = `${binding} ${name} (${operation})`;
      // `<root xmlns="">`: zeep must see an element in no namespace, not {http://tempuri.org/}root.
      expect({ context, tag: s.tag, resultType: s.resultType }).toEqual({
        context,
        tag: 'root',
        resultType: '_Element',
      });
      expect({ context, request: s.requestEnvelope, response: s.responseEnvelope }).toEqual({
        context,
        request: expected.envelope,
        response: expected.envelope,
      });
      expect(s.http).toHaveLength(1);
      const [exchange] = s.http;
      expect({
        context,
        method: exchange?.method,
        url: exchange?.url,
        contentType: exchange?.contentType,
        soapAction: exchange?.soapAction,
        status: exchange?.status,
        responseContentType: exchange?.responseContentType,
      }).toEqual({
        context,
        method: 'POST',
        // The served WSDL's address was rewritten to the host zeep fetched it from.
        url: `${server.origin}/srv.asmx`,
        contentType:
          binding === 'SrvSoap'
            ? 'text/xml; charset=utf-8'
            : `application/soap+xml; charset=utf-8; action="http://tempuri.org/${operation}"`,
        soapAction: `"http://tempuri.org/${operation}"`,
        status: 200,
        responseContentType: expected.responseContentType,
      });
    }
  });

  test('AuthenticateUser gives a fresh ticket and the user attributes, in ASMX order', async () => {
    const result = await zeepRun();
    for (const name of ['login', 'login2', 'login3'] as const) {
      const attrs = result.steps[name].attrs;
      expect(attrs).toEqual({ success: 'true', ticket: expect.stringMatching(GUID), ...USER });
      expect(Object.keys(attrs ?? {})).toEqual(LOGIN_ATTRIBUTE_ORDER);
    }
    expect(result.tickets).toEqual([
      result.steps.login.attrs?.ticket,
      result.steps.login2.attrs?.ticket,
      result.steps.login3.attrs?.ticket,
    ]);
    expect(new Set(result.tickets).size).toBe(3);
  });

  test('isValidTicket on the live ticket succeeds', async () => {
    const attrs = (await step('valid')).attrs;
    expect(attrs).toEqual({ success: 'true', ...USER });
    expect(Object.keys(attrs ?? {})).toEqual(VALID_ATTRIBUTE_ORDER);
  });

  test('LogOut succeeds, and LogOut again with the same ticket is [901]', async () => {
    expect((await step('logout')).attrs).toEqual({ success: 'true' });
    expect((await step('logoutAgain')).attrs).toEqual(INVALID);
  });

  test('LogOut with no parameter and no cookie is [901] (control for the cookie case)', async () => {
    const s = await step('logoutNoCookie');
    expect(s.http[0]?.cookie).toBeNull();
    expect(s.attrs).toEqual(INVALID);
  });

  test('LogOut with the parameter absent uses the ticket cookie; the ticket is then invalid', async () => {
    const result = await zeepRun();
    const logout = result.steps.logoutCookie;
    expect(logout.http[0]?.cookie).toBe(`ticket=${result.tickets[1]}`);
    // zeep left the optional element out entirely: `<ns0:LogOut xmlns:ns0="http://tempuri.org/"/>`.
    expect(logout.http[0]?.body).toMatch(/LogOut\b/);
    expect(logout.http[0]?.body).not.toContain('AuthenticationTicket');
    expect(logout.attrs).toEqual({ success: 'true' });

    const valid = result.steps.validAfterCookie;
    expect(valid.http[0]?.cookie).toBeNull();
    expect(valid.http[0]?.body).toContain(result.tickets[1]);
    expect(valid.attrs).toEqual(INVALID);
  });

  test('LogOut with an empty parameter uses the ticket cookie; the ticket is then invalid', async () => {
    const result = await zeepRun();
    const logout = result.steps.logoutEmptyCookie;
    expect(logout.http[0]?.cookie).toBe(`ticket=${result.tickets[2]}`);
    expect(logout.http[0]?.body).toMatch(
      /<(\w+:)?AuthenticationTicket(\s*\/>|><\/(\w+:)?AuthenticationTicket>)/,
    );
    expect(logout.attrs).toEqual({ success: 'true' });

    const valid = result.steps.validAfterEmpty;
    expect(valid.http[0]?.cookie).toBeNull();
    expect(valid.attrs).toEqual(INVALID);
  });

  test('the tickets zeep logged out are invalid on another transport too', async () => {
    const result = await zeepRun();
    for (const ticket of result.tickets) {
      const res = await httpGet(server.origin, 'isValidTicket', { AuthenticationTicket: ticket });
      expect({
        ticket,
        success: rootAttribute(res.body, 'success'),
        error: rootAttribute(res.body, 'error'),
      }).toEqual({
        ticket,
        ...INVALID,
      });
    }
  });
});
