/**
 * Hostile clients and bad days at the connection level: every refusal is an answer the client can
 * read (answer, half-close, drain, then close: never a reset over unread input), no request is
 * smuggled past a refusal, half-closed clients are answered, and what the server could not answer
 * is counted as what it was.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { httpGet, httpRequest, login, rootAttribute } from './support/http';
import { startLoggedServer, type LoggedServer } from './support/logSink';
import { rawRequest, statusCodes } from './support/rawClient';

jest.setTimeout(60_000);
const run = promisify(execFile);

const EIGHT_MIB = 8 * 1024 * 1024;
const FORM = 'Content-Type: application/x-www-form-urlencoded\r\n';

let server: LoggedServer;
beforeAll(async () => {
  // The defaults: MAX_BODY_BYTES 1 MiB, MAX_HEADER_BYTES 16 KiB, maxUrl 4096, maxQueryString 2048.
  server = await startLoggedServer();
});
afterAll(() => server.close());

const statusLine = (received: string) => received.slice(0, received.indexOf('\r\n'));
const bodyOf = (received: string) => received.slice(received.indexOf('\r\n\r\n') + 4);
const hostPort = () => new URL(server.origin);

async function metricValue(name: string, labels: string): Promise<number> {
  const text = (await httpRequest(server.origin, '/metrics')).body;
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line ? Number(line.split(' ').pop()) : 0;
}

const isLive = async (ticket: string) =>
  rootAttribute(
    (await httpGet(server.origin, 'isValidTicket', { AuthenticationTicket: ticket })).body,
    'success',
  ) === 'true';

/** Python's http.client, as a legacy script would use it: prints the status or the exception. */
async function python(kind: string): Promise<string> {
  const script = `
import http.client, sys
host, port, kind = sys.argv[1], int(sys.argv[2]), sys.argv[3]
c = http.client.HTTPConnection(host, port, timeout=20)
form = {'Content-Type': 'application/x-www-form-urlencoded'}
try:
    if kind == 'body':
        c.request('POST', '/srv.asmx/LogOut', body=b'A' * ${EIGHT_MIB}, headers=form)
    elif kind == 'chunked':
        c.request('POST', '/srv.asmx/LogOut', body=iter([b'A' * 65536] * 128), headers=form, encode_chunked=True)
    elif kind == 'url':
        c.request('GET', '/srv.asmx/LogOut?AuthenticationTicket=' + 'a' * 100000)
    elif kind == 'header':
        c.request('GET', '/srv.asmx/LogOut', headers={'X-Filler': 'b' * 65536})
    r = c.getresponse()
    print(r.status, r.read().decode())
except Exception as e:
    print('ERROR', type(e).__name__, e)
`;
  const { hostname, port } = hostPort();
  const { stdout } = await run('/usr/bin/python3', ['-c', script, hostname, port, kind], { timeout: 30_000 });
  return stdout.trim();
}

async function curl(args: string[]): Promise<string> {
  try {
    const { stdout } = await run('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code}', ...args], {
      timeout: 30_000,
      maxBuffer: 1024 * 1024,
    });
    return stdout;
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string };
    return `${failed.stdout ?? ''} ${failed.stderr ?? ''}`.trim();
  }
}

describe('refusals the client can read', () => {
  test('an 8 MiB body with Content-Length: 413, read to its end, no reset', async () => {
    const result = await rawRequest(server.origin, [
      `POST /srv.asmx/LogOut HTTP/1.1\r\nHost: x\r\n${FORM}Content-Length: ${EIGHT_MIB}\r\n\r\n`,
      Buffer.alloc(EIGHT_MIB, 'A'),
    ]);
    expect(statusLine(result.received)).toMatch(/^HTTP\/1\.1 413 /);
    expect(bodyOf(result.received)).toBe('Maximum request length exceeded.');
    expect(result.received).toMatch(/\r\nConnection: close\r\n/i);
    expect([result.reset, result.serverEnded, result.timedOut]).toEqual([false, true, false]);
  });

  test('an 8 MiB chunked body: 413 once it passes the limit, no reset', async () => {
    const chunk = `10000\r\n${'A'.repeat(0x10000)}\r\n`;
    const result = await rawRequest(server.origin, [
      `POST /srv.asmx/LogOut HTTP/1.1\r\nHost: x\r\n${FORM}Transfer-Encoding: chunked\r\n\r\n`,
      ...Array.from({ length: 128 }, () => chunk),
      '0\r\n\r\n',
    ]);
    expect(statusLine(result.received)).toMatch(/^HTTP\/1\.1 413 /);
    expect([result.reset, result.serverEnded, result.timedOut]).toEqual([false, true, false]);
  });

  test('Expect: 100-continue over the limit: 413 without 100, and a body sent anyway is drained', async () => {
    const result = await rawRequest(server.origin, [
      `POST /srv.asmx/LogOut HTTP/1.1\r\nHost: x\r\n${FORM}Content-Length: ${EIGHT_MIB}\r\nExpect: 100-continue\r\n\r\n`,
      Buffer.alloc(EIGHT_MIB, 'A'),
    ]);
    expect(statusLine(result.received)).toMatch(/^HTTP\/1\.1 413 /);
    expect(result.received).not.toContain('100 Continue');
    expect([result.reset, result.serverEnded]).toEqual([false, true]);
    await server.logs.waitFor((e) => e.outcome === 'P_BODY_TOO_LARGE' && e.status === 413);
  });

  test('a 100 KB URL: 414, readable, no reset', async () => {
    const result = await rawRequest(server.origin, [
      `GET /srv.asmx/LogOut?AuthenticationTicket=${'a'.repeat(100_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
    ]);
    expect(statusLine(result.received)).toBe('HTTP/1.1 414 URI Too Long');
    expect(bodyOf(result.received)).toBe('HTTP Error 414. The request URL is too long.');
    expect([result.reset, result.serverEnded, result.timedOut]).toEqual([false, true, false]);
  });

  test('a 64 KB header block: 431, readable, no reset', async () => {
    const result = await rawRequest(server.origin, [
      `GET /srv.asmx/LogOut HTTP/1.1\r\nHost: x\r\nX-Filler: ${'b'.repeat(65_536)}\r\n\r\n`,
    ]);
    expect(statusLine(result.received)).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expect([result.reset, result.serverEnded, result.timedOut]).toEqual([false, true, false]);
    expect(await metricValue('asmx_requests_unanswered_total', 'reason="header_too_large"')).toBeGreaterThan(
      0,
    );
  });

  test('URLs over IIS request filtering limits get its 404.14 and 404.15', async () => {
    const longPath = await httpRequest(server.origin, `/srv.asmx/${'p'.repeat(4100)}`);
    expect([longPath.status, longPath.headers['content-type'], longPath.body]).toEqual([
      404,
      'text/plain; charset=utf-8',
      'HTTP Error 404.14 - Not Found. The request filtering module is configured to deny a request where the URL is too long.',
    ]);
    const longQuery = await httpRequest(
      server.origin,
      `/srv.asmx/LogOut?AuthenticationTicket=${'q'.repeat(2100)}`,
    );
    expect([longQuery.status, longQuery.body]).toEqual([
      404,
      'HTTP Error 404.15 - Not Found. The request filtering module is configured to deny a request where the query string is too long.',
    ]);
    // At the limit it is served.
    const atLimit = await httpRequest(
      server.origin,
      `/srv.asmx/LogOut?AuthenticationTicket=${'q'.repeat(2048 - 'AuthenticationTicket='.length)}`,
    );
    expect(atLimit.status).toBe(200);
    await server.logs.waitFor((e) => e.outcome === 'P_QUERY_STRING_TOO_LONG' && e.status === 404);
  });

  test("Python's http.client reads every refusal's status", async () => {
    expect(await python('body')).toBe('413 Maximum request length exceeded.');
    expect(await python('chunked')).toBe('413 Maximum request length exceeded.');
    expect(await python('url')).toBe('414 HTTP Error 414. The request URL is too long.');
    expect(await python('header')).toMatch(/^431 /);
  });

  test("curl reads every refusal's status", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'asmx-hygiene-'));
    const file = path.join(dir, 'body');
    writeFileSync(file, Buffer.alloc(EIGHT_MIB, 'A'));
    const url = `${server.origin}/srv.asmx/LogOut`;
    const form = ['-H', 'Content-Type: application/x-www-form-urlencoded'];
    // `Expect:` off: curl sends the whole body at once, as clients without 100-continue do.
    expect(await curl([...form, '-H', 'Expect:', '--data-binary', `@${file}`, url])).toBe('413');
    expect(
      await curl([
        ...form,
        '-H',
        'Expect:',
        '-H',
        'Transfer-Encoding: chunked',
        '--data-binary',
        `@${file}`,
        url,
      ]),
    ).toBe('413');
    expect(await curl([...form, '--data-binary', `@${file}`, url])).toBe('413');
    expect(await curl([`${url}?AuthenticationTicket=${'a'.repeat(100_000)}`])).toBe('414');
    expect(await curl(['-H', `X-Filler: ${'b'.repeat(65_536)}`, url])).toBe('431');
  });
});

describe('request smuggling', () => {
  test.each(['gzip, chunked', 'identity, chunked', 'deflate, chunked', 'chunked, chunked'])(
    'Transfer-Encoding: %s is refused with 501 and what follows the body never runs',
    async (codings) => {
      const ticket = await login(server.origin);
      const body = 'AuthenticationTicket=x';
      const smuggled = `GET /srv.asmx/LogOut?AuthenticationTicket=${ticket} HTTP/1.1\r\nHost: x\r\n\r\n`;
      const result = await rawRequest(server.origin, [
        `POST /srv.asmx/LogOut HTTP/1.1\r\nHost: x\r\n${FORM}Transfer-Encoding: ${codings}\r\n\r\n` +
          `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n${smuggled}`,
      ]);
      expect(statusCodes(result.received)).toEqual([501]);
      expect(result.received).toMatch(/\r\nConnection: close\r\n/i);
      expect([result.reset, result.serverEnded]).toEqual([false, true]);
      expect(await isLive(ticket)).toBe(true);
    },
  );

  test('a transfer coding split over two Transfer-Encoding headers is refused too', async () => {
    const ticket = await login(server.origin);
    const result = await rawRequest(server.origin, [
      `POST /srv.asmx/LogOut HTTP/1.1\r\nHost: x\r\n${FORM}Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n` +
        `0\r\n\r\nGET /srv.asmx/LogOut?AuthenticationTicket=${ticket} HTTP/1.1\r\nHost: x\r\n\r\n`,
    ]);
    expect(statusCodes(result.received)).toEqual([501]);
    expect(await isLive(ticket)).toBe(true);
  });

  test('a coding after chunked, or chunked with a Content-Length, never reaches a handler', async () => {
    const ticket = await login(server.origin);
    const smuggled = `GET /srv.asmx/LogOut?AuthenticationTicket=${ticket} HTTP/1.1\r\nHost: x\r\n\r\n`;
    const after = await rawRequest(server.origin, [
      `POST /srv.asmx/LogOut HTTP/1.1\r\nHost: x\r\n${FORM}Transfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n${smuggled}`,
    ]);
    expect(statusCodes(after.received)).toEqual([501]);
    const both = await rawRequest(server.origin, [
      `POST /srv.asmx/LogOut HTTP/1.1\r\nHost: x\r\n${FORM}Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${smuggled}`,
    ]);
    expect(statusCodes(both.received)).toEqual([400]);
    expect([both.reset, both.serverEnded]).toEqual([false, true]);
    expect(await isLive(ticket)).toBe(true);
  });

  test('plain chunked, in any case, is served', async () => {
    const body = 'AuthenticationTicket=x';
    for (const coding of ['chunked', 'Chunked']) {
      const result = await rawRequest(server.origin, [
        `POST /srv.asmx/LogOut HTTP/1.1\r\nHost: x\r\n${FORM}Transfer-Encoding: ${coding}\r\nConnection: close\r\n\r\n` +
          `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`,
      ]);
      expect(statusCodes(result.received)).toEqual([200]);
      expect(result.received).toContain('[901] Session expired or Invalid ticket');
    }
  });

  test('two Host headers: 400, nothing runs, the pipelined request after it is never answered', async () => {
    const ticket = await login(server.origin);
    const logOut = `GET /srv.asmx/LogOut?AuthenticationTicket=${ticket} HTTP/1.1\r\n`;
    const result = await rawRequest(server.origin, [
      `${logOut}Host: a.example\r\nHost: b.example\r\n\r\n${logOut}Host: x\r\n\r\n`,
    ]);
    expect(statusCodes(result.received)).toEqual([400]);
    expect(bodyOf(result.received)).toBe('HTTP Error 400. The request hostname is invalid.');
    expect([result.reset, result.serverEnded]).toEqual([false, true]);
    expect(await isLive(ticket)).toBe(true);
    await server.logs.waitFor((e) => e.outcome === 'P_HOST_DUPLICATE' && e.status === 400);
  });
});

describe('half-closed clients', () => {
  test('a GET AuthenticateUser followed by a half-close is answered in full', async () => {
    const result = await rawRequest(
      server.origin,
      ['GET /srv.asmx/AuthenticateUser?UID=jsmith&PWD=Secret123! HTTP/1.1\r\nHost: x\r\n\r\n'],
      { endAfterWrite: true },
    );
    expect(statusCodes(result.received)).toEqual([200]);
    expect(bodyOf(result.received)).toMatch(
      /^<\?xml version="1\.0" encoding="utf-8"\?>\r?\n<root success="true" /,
    );
    expect([result.reset, result.serverEnded, result.timedOut]).toEqual([false, true, false]);
  });

  test('a form POST and a SOAP call followed by a half-close are answered in full', async () => {
    const form = 'UID=jsmith&PWD=Secret123!';
    const post = await rawRequest(
      server.origin,
      [
        `POST /srv.asmx/AuthenticateUser HTTP/1.1\r\nHost: x\r\n${FORM}Content-Length: ${form.length}\r\n\r\n${form}`,
      ],
      { endAfterWrite: true },
    );
    expect(statusCodes(post.received)).toEqual([200]);
    expect(post.received).toContain('success="true"');
    const envelope =
      '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>' +
      '<AuthenticateUser xmlns="http://tempuri.org/"><UID>jsmith</UID><PWD>Secret123!</PWD></AuthenticateUser></soap:Body></soap:Envelope>';
    const soap = await rawRequest(
      server.origin,
      [
        `POST /srv.asmx HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml; charset=utf-8\r\nSOAPAction: "http://tempuri.org/AuthenticateUser"\r\nContent-Length: ${Buffer.byteLength(envelope)}\r\n\r\n${envelope}`,
      ],
      { endAfterWrite: true },
    );
    expect(statusCodes(soap.received)).toEqual([200]);
    expect(soap.received).toContain('success="true"');
  });

  test('a malformed request behind one still being answered: that answer goes out with Connection: close, then the close', async () => {
    // AuthenticateUser is still hashing the password when the parser meets the garbage behind it.
    const slow = 'GET /srv.asmx/AuthenticateUser?UID=jsmith&PWD=Secret123! HTTP/1.1\r\nHost: x\r\n\r\n';
    const result = await rawRequest(server.origin, [`${slow}NOT A REQUEST\r\n\r\n`]);
    expect(statusCodes(result.received)).toEqual([200]);
    expect(result.received).toContain('success="true"');
    expect(result.received).toMatch(/\r\nConnection: close\r\n/i);
    expect(result.serverEnded).toBe(true);
    expect(result.reset).toBe(false);
  });

  test('two pipelined requests and a half-close: both answered, in order', async () => {
    const get = (uid: string) =>
      `GET /srv.asmx/AuthenticateUser?UID=${uid}&PWD=Secret123! HTTP/1.1\r\nHost: x\r\n\r\n`;
    const result = await rawRequest(server.origin, [get('jsmith') + get('nobody')], { endAfterWrite: true });
    expect(statusCodes(result.received)).toEqual([200, 200]);
    expect(result.received.indexOf('success="true"')).toBeLessThan(result.received.indexOf('[900]'));
  });
});

describe('observability that does not lie', () => {
  test('a client that resets while its answer is computed is counted as client_gone', async () => {
    const before = await metricValue('asmx_requests_unanswered_total', 'reason="client_gone"');
    const { hostname, port } = hostPort();
    const client = net.connect({ host: hostname, port: Number(port) });
    const gone = new Promise((resolve) => client.on('close', resolve));
    client.on('error', () => undefined);
    // Reset as soon as the server has the request: AuthenticateUser is still hashing the password.
    server.server.once('request', () => client.resetAndDestroy());
    client.write(
      'GET /srv.asmx/AuthenticateUser?UID=jsmith&PWD=Secret123! HTTP/1.1\r\nHost: x\r\nX-Request-Id: reset-1\r\n\r\n',
    );
    await gone;
    // The call itself completes and is logged as what it was; its answer had nowhere to go.
    expect(await server.logs.waitFor((e) => e.requestId === 'reset-1')).toMatchObject({ outcome: 'success' });
    expect(await metricValue('asmx_requests_unanswered_total', 'reason="client_gone"')).toBe(before + 1);
  });

  test('an upload the client abandons is logged as P_BODY_ABORTED, not P_INTERNAL', async () => {
    await rawRequest(
      server.origin,
      [
        `POST /srv.asmx/LogOut HTTP/1.1\r\nHost: x\r\n${FORM}Content-Length: 1000\r\nX-Request-Id: gone-1\r\n\r\nAuthentic`,
      ],
      { destroyAfterWrite: true },
    );
    const entry = await server.logs.waitFor((e) => e.requestId === 'gone-1');
    expect(entry).toMatchObject({ outcome: 'P_BODY_ABORTED', status: 400, transport: 'http-post' });
    expect(
      await metricValue(
        'asmx_requests_total',
        'operation="LogOut",transport="http-post",outcome="P_BODY_ABORTED"',
      ),
    ).toBeGreaterThan(0);
  });

  test('a body cut short by a half-close gets 400, logged as P_BODY_ABORTED', async () => {
    const result = await rawRequest(
      server.origin,
      [
        'POST /srv.asmx HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\nSOAPAction: "http://tempuri.org/LogOut"\r\n' +
          'Content-Length: 1000\r\nX-Request-Id: cut-1\r\n\r\n<soap:Envelope',
      ],
      { endAfterWrite: true },
    );
    expect(statusCodes(result.received)).toEqual([400]);
    expect(bodyOf(result.received)).toBe('HTTP Error 400. The request is badly formed.');
    expect([result.reset, result.serverEnded]).toEqual([false, true]);
    expect(await server.logs.waitFor((e) => e.requestId === 'cut-1')).toMatchObject({
      outcome: 'P_BODY_ABORTED',
      status: 400,
      transport: 'soap11',
    });
  });

  test('a malformed chunked body gets 400, logged as P_BODY_MALFORMED', async () => {
    const result = await rawRequest(server.origin, [
      `POST /srv.asmx/LogOut HTTP/1.1\r\nHost: x\r\n${FORM}Transfer-Encoding: chunked\r\nX-Request-Id: bad-chunk-1\r\n\r\n` +
        '5\r\nAuthe\r\nzz\r\nmore\r\n',
    ]);
    expect(statusCodes(result.received)).toEqual([400]);
    expect([result.reset, result.serverEnded]).toEqual([false, true]);
    expect(await server.logs.waitFor((e) => e.requestId === 'bad-chunk-1')).toMatchObject({
      outcome: 'P_BODY_MALFORMED',
      status: 400,
    });
  });

  test('requests the parser refuses are logged and counted by reason', async () => {
    const reasons = ['uri_too_long', 'header_too_large', 'malformed'];
    const before = await Promise.all(
      reasons.map((r) => metricValue('asmx_requests_unanswered_total', `reason="${r}"`)),
    );
    await rawRequest(server.origin, [`GET /${'u'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`]);
    await rawRequest(server.origin, [`GET / HTTP/1.1\r\nHost: x\r\nCookie: ${'c'.repeat(20_000)}\r\n\r\n`]);
    const garbage = await rawRequest(server.origin, ['NOT HTTP AT ALL\r\n\r\n']);
    expect(statusCodes(garbage.received)).toEqual([400]);
    const after = await Promise.all(
      reasons.map((r) => metricValue('asmx_requests_unanswered_total', `reason="${r}"`)),
    );
    expect(after).toEqual(before.map((n) => n + 1));
    await server.logs.waitFor((e) => e.outcome === 'P_URI_TOO_LONG' && e.status === 414);
    await server.logs.waitFor((e) => e.outcome === 'P_HEADERS_TOO_LARGE' && e.status === 431);
    await server.logs.waitFor((e) => e.outcome === 'P_BAD_REQUEST' && e.status === 400);
  });

  test('timeouts: 408 the client can read, logged, and counted when no handler saw the request', async () => {
    const strict = await startLoggedServer({ headersTimeoutMs: 300, requestTimeoutMs: 600 });
    try {
      const stalledHead = await rawRequest(strict.origin, ['GET /srv.asmx/LogOut HTTP/1.1\r\nHost: x\r\n']);
      expect(statusCodes(stalledHead.received)).toEqual([408]);
      expect([stalledHead.reset, stalledHead.serverEnded]).toEqual([false, true]);
      const stalledBody = await rawRequest(strict.origin, [
        `POST /srv.asmx/LogOut HTTP/1.1\r\nHost: x\r\n${FORM}Content-Length: 100\r\nX-Request-Id: slow-1\r\n\r\nAuth`,
      ]);
      expect(statusCodes(stalledBody.received)).toEqual([408]);
      expect(await strict.logs.waitFor((e) => e.requestId === 'slow-1')).toMatchObject({
        outcome: 'P_REQUEST_TIMEOUT',
        status: 408,
      });
      const text = (await httpRequest(strict.origin, '/metrics')).body;
      expect(text).toMatch(/^asmx_requests_unanswered_total\{reason="timeout"\} 1$/m);
      expect(strict.logs.outcomes()).not.toContain('P_INTERNAL');
    } finally {
      await strict.close();
    }
  });

  test('nothing in this file was logged as P_INTERNAL', () => {
    expect(server.logs.outcomes()).not.toContain('P_INTERNAL');
  });
});
