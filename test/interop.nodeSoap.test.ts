/**
 * Interoperability with node-soap (`soap`): the client builds itself from the served WSDL and
 * runs AuthenticateUser, isValidTicket, LogOut and LogOut again through the SrvSoap port
 * (SOAP 1.1) and, with `forceSoap12Headers`, through the SrvSoap12 port (SOAP 1.2). The
 * `<root>` attributes are read from what node-soap parsed and cross-checked against the raw
 * response, so a parse that loses or misplaces them fails.
 */
import * as soap from 'soap';
import { startTestServer, type TestServer } from './support/testServer';
import { GUID, INVALID, USER } from './support/expected';

const PORTS = {
  SrvSoap: {
    options: {},
    envelope: 'http://schemas.xmlsoap.org/soap/envelope/',
    requestHeaders: (operation: string) => ({
      'Content-Type': 'text/xml; charset=utf-8',
      SOAPAction: `"http://tempuri.org/${operation}"`,
    }),
    responseContentType: 'text/xml; charset=utf-8',
  },
  SrvSoap12: {
    options: { forceSoap12Headers: true },
    envelope: 'http://www.w3.org/2003/05/soap-envelope',
    requestHeaders: (operation: string) => ({
      'Content-Type': `application/soap+xml; charset=utf-8; action="http://tempuri.org/${operation}"`,
    }),
    responseContentType: 'application/soap+xml; charset=utf-8',
  },
} as const;
type PortName = keyof typeof PORTS;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

type Attributes = Record<string, string>;

interface Call {
  /** The `<root>` attributes as node-soap parsed them. */
  readonly attrs: Attributes;
  readonly rawRequest: string;
  readonly rawResponse: string;
}

/** The attributes of `<root>` in a raw XML text, in document order, `xmlns` declarations left out. */
function rawRootAttributes(xml: string): Attributes {
  const element = /<root\s([^>]*?)\s*\/?>/.exec(xml);
  if (!element?.[1]) throw new Error(`no <root> element with attributes in: ${xml}`);
  const attrs: Attributes = {};
  for (const [, name, value] of element[1].matchAll(/([\w:.-]+)="([^"]*)"/g)) {
    if (!name || name === 'xmlns' || name.startsWith('xmlns:')) continue;
    attrs[name] = (value ?? '')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&apos;/g, "'")
      .replace(/&amp;/g, '&');
  }
  return attrs;
}

/**
 * The `<root>` attributes out of node-soap's result for an XmlNode (`s:any`) operation:
 * `{ <Operation>Result: { root: { attributes: {...} } } }` with node-soap's default
 * attributesKey. A root element parsed as a list (several elements) takes the first.
 */
function parsedRootAttributes(result: unknown, operation: string, attributesKey = 'attributes'): Attributes {
  const fail = (why: string) =>
    new Error(`node-soap result of ${operation}: ${why}: ${JSON.stringify(result)}`);
  const wrapper = (result as Record<string, unknown> | null)?.[`${operation}Result`];
  if (!wrapper || typeof wrapper !== 'object') throw fail(`no ${operation}Result`);
  let root = (wrapper as Record<string, unknown>).root;
  if (Array.isArray(root)) root = root[0];
  if (!root || typeof root !== 'object') throw fail('no root element');
  const attrs = (root as Record<string, unknown>)[attributesKey];
  if (!attrs || typeof attrs !== 'object') throw fail(`root has no ${attributesKey}`);
  for (const [name, value] of Object.entries(attrs)) {
    if (typeof value !== 'string') throw fail(`attribute ${name} is not a string`);
  }
  return attrs as Attributes;
}

type PortMethod = (
  args: Record<string, string>,
  callback: (
    error: unknown,
    result: unknown,
    rawResponse: string,
    soapHeader: unknown,
    rawRequest: string,
  ) => void,
  options: object,
  extraHeaders: Record<string, string>,
) => void;

/** Calls an operation through one port of the client and checks the HTTP exchange node-soap made. */
async function callPort(
  client: soap.Client,
  port: PortName,
  operation: string,
  args: Record<string, string>,
  extraHeaders: Record<string, string> = {},
): Promise<Call> {
  const service = (client as unknown as Record<string, Record<string, Record<string, PortMethod>>>).Srv;
  const method = service?.[port]?.[operation];
  if (typeof method !== 'function') throw new Error(`node-soap has no Srv.${port}.${operation}`);
  const { result, rawResponse, rawRequest } = await new Promise<{
    result: unknown;
    rawResponse: string;
    rawRequest: string;
  }>((resolve, reject) =>
    method(
      args,
      (error, result, rawResponse, _soapHeader, rawRequest) =>
        error ? reject(error) : resolve({ result, rawResponse, rawRequest }),
      {},
      extraHeaders,
    ),
  );

  const expected = PORTS[port];
  const context = `${port} ${operation}`;
  // The port address of the served WSDL names the host the WSDL was fetched from.
  expect({ context, endpoint: client.lastEndpoint }).toEqual({
    context,
    endpoint: `${server.origin}/srv.asmx`,
  });
  expect({ context, headers: client.lastRequestHeaders }).toEqual({
    context,
    headers: expect.objectContaining(expected.requestHeaders(operation)),
  });
  if (port === 'SrvSoap12') expect(client.lastRequestHeaders).not.toHaveProperty('SOAPAction');
  expect(rawRequest).toContain(`="${expected.envelope}"`);
  expect({ context, contentType: client.lastResponseHeaders?.['content-type'] }).toEqual({
    context,
    contentType: expected.responseContentType,
  });
  expect(rawResponse).toContain(`<soap:Envelope xmlns:soap="${expected.envelope}"`);
  expect(rawResponse).toContain(
    `<${operation}Response xmlns="http://tempuri.org/"><${operation}Result><root `,
  );

  const attrs = parsedRootAttributes(result, operation);
  // What node-soap made of <root> must be exactly what the server sent.
  expect({ context, attrs }).toEqual({ context, attrs: rawRootAttributes(rawResponse) });
  return { attrs, rawRequest, rawResponse };
}

describe.each(Object.keys(PORTS) as PortName[])('node-soap through the %s port', (port) => {
  let client: soap.Client;
  beforeAll(async () => {
    client = await soap.createClientAsync(`${server.origin}/srv.asmx?WSDL`, PORTS[port].options);
  });

  const login = async () => {
    const { attrs } = await callPort(client, port, 'AuthenticateUser', { UID: 'jsmith', PWD: 'Secret123!' });
    expect(attrs).toEqual({ success: 'true', ticket: expect.stringMatching(GUID), ...USER });
    expect(Object.keys(attrs)).toEqual(['success', 'ticket', ...Object.keys(USER)]);
    return attrs.ticket as string;
  };

  test('the WSDL describes the port and its five operations', () => {
    const description = client.describe() as Record<string, Record<string, Record<string, unknown>>>;
    expect(Object.keys(description.Srv?.[port] ?? {}).sort()).toEqual(
      ['AuthenticateUser', 'CreateTicketforUser', 'LogOut', 'RenewTicket', 'isValidTicket'].sort(),
    );
  });

  test('AuthenticateUser, isValidTicket, LogOut, then LogOut again is [901]', async () => {
    const ticket = await login();

    const valid = await callPort(client, port, 'isValidTicket', { AuthenticationTicket: ticket });
    expect(valid.attrs).toEqual({ success: 'true', ...USER });
    expect(valid.rawRequest).toContain(`<AuthenticationTicket>${ticket}</AuthenticationTicket>`);

    const logout = await callPort(client, port, 'LogOut', { AuthenticationTicket: ticket });
    expect(logout.attrs).toEqual({ success: 'true' });

    const again = await callPort(client, port, 'LogOut', { AuthenticationTicket: ticket });
    expect(again.attrs).toEqual(INVALID);

    const after = await callPort(client, port, 'isValidTicket', { AuthenticationTicket: ticket });
    expect(after.attrs).toEqual(INVALID);
  });

  test('AuthenticateUser with a wrong password is [900]', async () => {
    const { attrs } = await callPort(client, port, 'AuthenticateUser', { UID: 'jsmith', PWD: 'wrong' });
    expect(attrs).toEqual({ success: 'false', error: '[900] Authentication failed' });
  });

  test('LogOut with no AuthenticationTicket uses the ticket cookie', async () => {
    const ticket = await login();

    const withoutCookie = await callPort(client, port, 'LogOut', {});
    expect(client.lastRequestHeaders).not.toHaveProperty('Cookie');
    expect(withoutCookie.rawRequest).not.toContain('AuthenticationTicket');
    expect(withoutCookie.attrs).toEqual(INVALID);

    // Per-call extra headers: node-soap's clearHttpHeaders() would also drop SOAPAction and Content-Type.
    const withCookie = await callPort(client, port, 'LogOut', {}, { Cookie: `ticket=${ticket}` });
    expect(client.lastRequestHeaders).toHaveProperty('Cookie', `ticket=${ticket}`);
    expect(withCookie.rawRequest).not.toContain('AuthenticationTicket');
    expect(withCookie.attrs).toEqual({ success: 'true' });

    const after = await callPort(client, port, 'isValidTicket', { AuthenticationTicket: ticket });
    expect(client.lastRequestHeaders).not.toHaveProperty('Cookie');
    expect(after.attrs).toEqual(INVALID);
  });
});
