/** Every refusal in the ASMX shape: exact status, content type and body. */
import { httpGet, httpRequest, login, rootAttribute, soapEnvelope } from './support/http';
import { startTestServer, type TestServer } from './support/testServer';
import type { TicketStore } from '../src/tickets/TicketStore';

const DECL = '<?xml version="1.0" encoding="utf-8"?>';
const NS =
  'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"';
const SOAP11 = 'http://schemas.xmlsoap.org/soap/envelope/';
const SOAP12 = 'http://www.w3.org/2003/05/soap-envelope';

const fault11 = (code: string, text: string) =>
  `${DECL}<soap:Envelope xmlns:soap="${SOAP11}" ${NS}><soap:Body><soap:Fault><faultcode>soap:${code}</faultcode>` +
  `<faultstring>${text}</faultstring><detail /></soap:Fault></soap:Body></soap:Envelope>`;
const fault12 = (code: string, text: string) =>
  `${DECL}<soap:Envelope xmlns:soap="${SOAP12}" ${NS}><soap:Body><soap:Fault><soap:Code><soap:Value>soap:${code}</soap:Value></soap:Code>` +
  `<soap:Reason><soap:Text xml:lang="en">${text}</soap:Text></soap:Reason><soap:Detail /></soap:Fault></soap:Body></soap:Envelope>`;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const post11 = (
  body: string,
  headers: Record<string, string> = { SOAPAction: '"http://tempuri.org/LogOut"' },
) =>
  httpRequest(server.origin, '/srv.asmx', {
    headers: { 'Content-Type': 'text/xml; charset=utf-8', ...headers },
    body,
  });
const post12 = (body: string, action = 'http://tempuri.org/LogOut') =>
  httpRequest(server.origin, '/srv.asmx', {
    headers: { 'Content-Type': `application/soap+xml; charset=utf-8; action="${action}"` },
    body,
  });

function expectAnswer(
  res: { status: number; headers: Record<string, unknown>; body: string },
  status: number,
  type: string,
  body: string,
) {
  expect({ status: res.status, type: res.headers['content-type'], body: res.body }).toEqual({
    status,
    type,
    body,
  });
}

describe('SOAP faults', () => {
  test('SOAP 1.1 with an unknown SOAPAction', async () => {
    const res = await post11(soapEnvelope('1.1', 'LogOut'), { SOAPAction: '"http://tempuri.org/Nope"' });
    expectAnswer(
      res,
      500,
      'text/xml; charset=utf-8',
      fault11(
        'Client',
        'System.Web.Services.Protocols.SoapException: Server did not recognize the value of HTTP Header SOAPAction: http://tempuri.org/Nope.',
      ),
    );
  });

  test('SOAP 1.1 with an empty SOAPAction names the empty action', async () => {
    const res = await post11(soapEnvelope('1.1', 'LogOut'), { SOAPAction: '""' });
    expect(res.body).toContain(
      '<faultstring>System.Web.Services.Protocols.SoapException: Server did not recognize the value of HTTP Header SOAPAction: .</faultstring>',
    );
  });

  test('SOAP 1.1 without SOAPAction', async () => {
    const res = await post11(soapEnvelope('1.1', 'LogOut'), {});
    expectAnswer(
      res,
      500,
      'text/xml; charset=utf-8',
      fault11(
        'Client',
        'Unable to handle request without a valid action parameter. Please supply a valid soap action.',
      ),
    );
  });

  test('SOAP 1.2 with an unknown action', async () => {
    const res = await post12(soapEnvelope('1.2', 'LogOut'), 'urn:nope');
    expectAnswer(
      res,
      500,
      'application/soap+xml; charset=utf-8',
      fault12('Sender', "Unable to handle request. The action 'urn:nope' was not recognized."),
    );
  });

  test('SOAP 1.2 without an action is routed by its request element', async () => {
    const ticket = await login(server.origin);
    const res = await httpRequest(server.origin, '/srv.asmx', {
      headers: { 'Content-Type': 'application/soap+xml; charset=utf-8' },
      body: soapEnvelope('1.2', 'LogOut', { AuthenticationTicket: ticket }),
    });
    expect(res.status).toBe(200);
    expect(res.body).toContain('<LogOutResult><root success="true" xmlns="" /></LogOutResult>');
    const unknown = await httpRequest(server.origin, '/srv.asmx', {
      headers: { 'Content-Type': 'application/soap+xml' },
      body: soapEnvelope('1.2', 'Nope'),
    });
    expectAnswer(
      unknown,
      500,
      'application/soap+xml; charset=utf-8',
      fault12(
        'Sender',
        'Unable to handle request without a valid action parameter. Please supply a valid soap action.',
      ),
    );
  });

  test('XML that is not well-formed, with line and column', async () => {
    const res = await post11(`${DECL}\n<soap:Envelope xmlns:soap="${SOAP11}"><soap:Body></soap:Envelope>`);
    expectAnswer(
      res,
      500,
      'text/xml; charset=utf-8',
      fault11(
        'Client',
        "Server was unable to read request. ---&gt; There is an error in XML document (2, 82). ---&gt; Expected closing tag 'soap:Body' (opened in line 2, col 71) instead of closing tag 'soap:Envelope'.",
      ),
    );
    const soap12Res = await post12('<unclosed');
    expect(soap12Res.status).toBe(500);
    expect(soap12Res.headers['content-type']).toBe('application/soap+xml; charset=utf-8');
    expect(soap12Res.body).toContain('<soap:Value>soap:Sender</soap:Value>');
    expect(soap12Res.body).toContain(
      'Server was unable to read request. ---&gt; There is an error in XML document (1, ',
    );
  });

  test('an empty body', async () => {
    const res = await post11('');
    expectAnswer(
      res,
      500,
      'text/xml; charset=utf-8',
      fault11(
        'Client',
        'Server was unable to read request. ---&gt; There is an error in XML document (0, 0). ---&gt; Root element is missing.',
      ),
    );
  });

  test('a SOAP 1.2 envelope sent as text/xml is a version mismatch', async () => {
    const res = await post11(soapEnvelope('1.2', 'LogOut'));
    expectAnswer(
      res,
      500,
      'text/xml; charset=utf-8',
      fault11(
        'VersionMismatch',
        `Possible SOAP version mismatch: Envelope namespace ${SOAP12} was unexpected. Expecting ${SOAP11}.`,
      ),
    );
  });

  test('a SOAP 1.1 envelope sent as application/soap+xml is a version mismatch', async () => {
    const res = await post12(soapEnvelope('1.1', 'LogOut'));
    expectAnswer(
      res,
      500,
      'application/soap+xml; charset=utf-8',
      fault12(
        'VersionMismatch',
        `Possible SOAP version mismatch: Envelope namespace ${SOAP11} was unexpected. Expecting ${SOAP12}.`,
      ),
    );
  });

  test('a root element that is not an envelope', async () => {
    const res = await post11('<LogOut xmlns="http://tempuri.org/" />');
    expect(res.body).toContain(
      `Possible SOAP version mismatch: Envelope namespace http://tempuri.org/ was unexpected. Expecting ${SOAP11}.`,
    );
  });
});

describe('HTTP GET and POST refusals', () => {
  const plain = 'text/plain; charset=utf-8';

  test('an unknown operation', async () => {
    expectAnswer(
      await httpRequest(server.origin, '/srv.asmx/Nope'),
      500,
      plain,
      'System.InvalidOperationException: Nope Web Service method name is not valid.',
    );
    expectAnswer(
      await httpRequest(server.origin, '/srv.asmx/Nope', {
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'a=b',
      }),
      500,
      plain,
      'System.InvalidOperationException: Nope Web Service method name is not valid.',
    );
  });

  test('a wrong-case operation', async () => {
    expectAnswer(
      await httpRequest(server.origin, '/srv.asmx/logout'),
      500,
      plain,
      "System.ArgumentException: Invalid method name 'logout', method names are case sensitive. The method name 'LogOut' with the same name but different casing was found.",
    );
  });

  test.each(['/srv.asmx/LogOut/extra', '/srv.asmx/', '/srv.asmx/a/b/c'])(
    'an unrecognized path %s',
    async (path) => {
      const rest = path.slice('/srv.asmx'.length);
      expectAnswer(
        await httpRequest(server.origin, path),
        500,
        plain,
        `System.InvalidOperationException: Request format is unrecognized for URL unexpectedly ending in '${rest}'.`,
      );
    },
  );

  test.each(['PUT', 'DELETE', 'PATCH', 'OPTIONS'])('%s on an operation path', async (method) => {
    const res = await httpRequest(server.origin, '/srv.asmx/LogOut', { method });
    expectAnswer(
      res,
      500,
      plain,
      "System.InvalidOperationException: Request format is unrecognized for URL unexpectedly ending in '/LogOut'.",
    );
  });

  test.each(['PUT', 'DELETE', 'PATCH', 'OPTIONS'])('%s on the service is 405 with Allow', async (method) => {
    const res = await httpRequest(server.origin, '/srv.asmx', { method });
    expectAnswer(res, 405, plain, 'Request format is unrecognized.');
    expect(res.headers.allow).toBe('GET, HEAD, POST');
  });

  test('HEAD on an operation runs nothing: no protocol of ASMX takes it', async () => {
    const ticket = await login(server.origin);
    const res = await httpRequest(server.origin, `/srv.asmx/LogOut?AuthenticationTicket=${ticket}`, {
      method: 'HEAD',
    });
    expect(res.status).toBe(500);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.body).toBe('');
    // The ticket is still alive: HEAD did not log it out.
    const valid = await httpGet(server.origin, 'isValidTicket', { AuthenticationTicket: ticket });
    expect(rootAttribute(valid.body, 'success')).toBe('true');
  });

  test('a POST to the service that is not SOAP gets an empty 415', async () => {
    for (const type of ['application/json', 'text/plain', 'application/x-www-form-urlencoded']) {
      const res = await httpRequest(server.origin, '/srv.asmx', {
        headers: { 'Content-Type': type },
        body: '{}',
      });
      expect([res.status, res.body]).toEqual([415, '']);
    }
    const untyped = await httpRequest(server.origin, '/srv.asmx', { method: 'POST' });
    expect([untyped.status, untyped.body]).toEqual([415, '']);
  });

  test('a POST to an operation without a form content type', async () => {
    const res = await httpRequest(server.origin, '/srv.asmx/LogOut', {
      headers: { 'Content-Type': 'text/plain' },
      body: 'AuthenticationTicket=x',
    });
    expectAnswer(res, 500, plain, 'System.InvalidOperationException: Request format is invalid: text/plain.');
    const none = await httpRequest(server.origin, '/srv.asmx/LogOut', { method: 'POST' });
    expectAnswer(none, 500, plain, 'System.InvalidOperationException: Request format is invalid: .');
  });

  test('a JSON POST to an operation gets the ScriptService refusal', async () => {
    const res = await httpRequest(server.origin, '/srv.asmx/LogOut', {
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
      body: '{"AuthenticationTicket":"x"}',
    });
    expectAnswer(
      res,
      500,
      plain,
      'System.InvalidOperationException: Only Web services with a [ScriptService] attribute on the class definition can be called from script.',
    );
  });
});

describe('internal errors reveal nothing', () => {
  const failing: TicketStore = {
    issue: () => Promise.reject(new Error('secret internal detail at /srv/secret.ts:42')),
    adopt: () => Promise.reject(new Error('secret internal detail')),
    touch: () => Promise.reject(new Error('secret internal detail')),
    peek: () => Promise.reject(new Error('secret internal detail')),
    revoke: () => Promise.reject(new Error('secret internal detail')),
    size: () => Promise.resolve(0),
    ping: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
  let broken: TestServer;
  beforeAll(async () => {
    broken = await startTestServer({}, failing);
  });
  afterAll(() => broken.close());

  test('SOAP gets a soap:Server fault with a generic message', async () => {
    const res = await httpRequest(broken.origin, '/srv.asmx', {
      headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: 'http://tempuri.org/LogOut' },
      body: soapEnvelope('1.1', 'LogOut', { AuthenticationTicket: 'x' }),
    });
    expectAnswer(
      res,
      500,
      'text/xml; charset=utf-8',
      fault11('Server', 'Server was unable to process request. ---&gt; An internal error occurred.'),
    );
  });

  test('GET gets a 500 text/plain with a generic message', async () => {
    const res = await httpRequest(broken.origin, '/srv.asmx/LogOut?AuthenticationTicket=x');
    expectAnswer(
      res,
      500,
      'text/plain; charset=utf-8',
      'System.InvalidOperationException: An internal error occurred.',
    );
    expect(res.body).not.toContain('secret');
  });
});
