/**
 * Interoperability of the typed document API with node-soap (`soap`): the client builds itself
 * from the served WSDL and calls the typed reads (GetDocumentInfo, GetDocumentInfos,
 * GetDocumentNames, GetStorageUsed, GetQuotaFraction, GetStorageCost, GetServerTime,
 * GetServerVersion, GetDocumentGuid, IsCheckedOut, GetDocumentVersionCount, Ping), a typed fault
 * and a few XmlNode writes through the SrvSoap port (SOAP 1.1) and, with `forceSoap12Headers`,
 * the SrvSoap12 port (SOAP 1.2).
 *
 * What node-soap parses is asserted as it really is, lossy parts included, because a client of
 * the emulator sees exactly that: xsd:long becomes a JS number (parseInt: 2^53 + 1 arrives as
 * 2^53), xsd:decimal a number (1234.50 → 1234.5), xsd:dateTime a Date (a value without a zone
 * is read in the client's local time zone), xsd:guid a string, an empty array element null, an
 * absent member a missing key, `<Description />` ''. A second client with node-soap's
 * `customDeserializer` shows the exact texts behind them. The raw answer is checked next to it.
 *
 * The server is startExampleServer (test/support/exampleServer.ts): the real ASMX reference on
 * Mono, or the emulator serving examples/inforouter-documents/, with the same assertions; fault
 * texts are compared without Mono's stack-trace lines (the emulator sends none).
 */
import * as soap from 'soap';
import { startExampleServer } from './support/exampleServer';
import { GUID, INVALID } from './support/expected';

jest.setTimeout(60_000);

const TNS = 'http://tempuri.org/';
const BAD_TICKET = '00000000-0000-0000-0000-000000000000';
const Q1 = '/Finance/Reports/Q1.pdf';
const Q2 = '/Finance/Reports/Q2.pdf';
const BUDGET = '/Finance/Budget.xlsx';

const PORTS = {
  SrvSoap: {
    options: {},
    envelope: 'http://schemas.xmlsoap.org/soap/envelope/',
    requestHeaders: (operation: string) => ({
      'Content-Type': 'text/xml; charset=utf-8',
      SOAPAction: `"${TNS}${operation}"`,
    }),
    responseContentType: 'text/xml; charset=utf-8',
  },
  SrvSoap12: {
    options: { forceSoap12Headers: true },
    envelope: 'http://www.w3.org/2003/05/soap-envelope',
    requestHeaders: (operation: string) => ({
      'Content-Type': `application/soap+xml; charset=utf-8; action="${TNS}${operation}"`,
    }),
    responseContentType: 'application/soap+xml; charset=utf-8',
  },
} as const;
type PortName = keyof typeof PORTS;

/** The 26 operations of srv-full.wsdl. */
const OPERATIONS = [
  'LogOut',
  'AuthenticateUser',
  'CreateTicketforUser',
  'isValidTicket',
  'RenewTicket',
  'GetFolderContents',
  'CreateFolder',
  'DeleteDocument',
  'UploadDocument',
  'SearchDocuments',
  'SetDocumentTags',
  'SetDocumentExpirationDate',
  'SetDocumentStatus',
  'UpdateDocumentInfo',
  'GetDocumentVersionCount',
  'IsCheckedOut',
  'GetStorageUsed',
  'GetQuotaFraction',
  'GetStorageCost',
  'GetServerVersion',
  'GetServerTime',
  'Ping',
  'GetDocumentGuid',
  'GetDocumentNames',
  'GetDocumentInfo',
  'GetDocumentInfos',
];

/** node-soap's deserializers replaced by the text itself (long as BigInt): what the wire said. */
const EXACT_OPTIONS = {
  // node-soap caches a parsed WSDL, options included, by URL: this client needs its own.
  disableCache: true,
  customDeserializer: {
    long: (text: string) => BigInt(text),
    decimal: (text: string) => text,
    double: (text: string) => text,
    dateTime: (text: string) => text,
  },
};

let server: Awaited<ReturnType<typeof startExampleServer>>;
beforeAll(async () => {
  server = await startExampleServer();
}, 120_000);
afterAll(async () => {
  await server?.close();
});

const endpoint = () => `${server.origin}${server.servicePath}`;

interface Call {
  readonly result: unknown;
  readonly rawRequest: string;
  readonly rawResponse: string;
}

type PortMethod = (
  args: Record<string, unknown>,
  callback: (
    error: unknown,
    result: unknown,
    rawResponse: string,
    soapHeader: unknown,
    rawRequest: string,
  ) => void,
  options: object,
) => void;

interface SoapError extends Error {
  root?: { Envelope?: { Body?: { Fault?: Record<string, unknown> } } };
  response?: { status?: number; headers?: Record<string, string> };
  body?: string;
}

/** Calls an operation through one port of a client and checks the HTTP exchange node-soap made. */
async function callPort(
  client: soap.Client,
  port: PortName,
  operation: string,
  args: Record<string, unknown>,
): Promise<Call> {
  const service = (client as unknown as Record<string, Record<string, Record<string, PortMethod>>>).Srv;
  const method = service?.[port]?.[operation];
  if (typeof method !== 'function') throw new Error(`node-soap has no Srv.${port}.${operation}`);
  const call = await new Promise<Call>((resolve, reject) =>
    method(
      args,
      (error, result, rawResponse, _soapHeader, rawRequest) =>
        error ? reject(error) : resolve({ result, rawResponse, rawRequest }),
      { timeout: 20_000 },
    ),
  );
  const expected = PORTS[port];
  const context = `${port} ${operation}`;
  // The port address of the served WSDL names the host the WSDL was fetched from.
  expect({ context, endpoint: client.lastEndpoint }).toEqual({ context, endpoint: endpoint() });
  expect({ context, headers: client.lastRequestHeaders }).toEqual({
    context,
    headers: expect.objectContaining(expected.requestHeaders(operation)),
  });
  expect({ context, contentType: client.lastResponseHeaders?.['content-type'] }).toEqual({
    context,
    contentType: expected.responseContentType,
  });
  expect(call.rawRequest).toContain(`="${expected.envelope}"`);
  expect(call.rawResponse).toContain(`<soap:Envelope xmlns:soap="${expected.envelope}"`);
  return call;
}

/** Calls an operation that must fail; returns node-soap's error. */
async function callFault(
  client: soap.Client,
  port: PortName,
  operation: string,
  args: Record<string, unknown>,
): Promise<SoapError> {
  try {
    const { result } = await callPort(client, port, operation, args);
    throw new Error(`${port} ${operation} gave no fault but ${JSON.stringify(result)}`);
  } catch (error) {
    if (!(error instanceof Error) || !('root' in error)) throw error;
    return error as SoapError;
  }
}

/** Fault texts without Mono's stack-trace lines (the emulator sends none: README rule 2). */
function withoutStackTrace(message: string): string {
  return message
    .split('\n')
    .filter((line) => !line.startsWith('  at ') && line !== '   --- End of inner exception stack trace ---')
    .join('\n')
    .trimEnd();
}

describe.each(Object.keys(PORTS) as PortName[])('node-soap through the %s port', (port) => {
  let client: soap.Client;
  let exact: soap.Client;
  let ticket: string;
  const call = (operation: string, args: Record<string, unknown> = {}) =>
    callPort(client, port, operation, { authenticationTicket: ticket, ...args });
  const result = async (operation: string, args: Record<string, unknown> = {}) =>
    (await call(operation, args)).result as Record<string, unknown> | null;
  const exactResult = async (operation: string, args: Record<string, unknown> = {}) =>
    (await callPort(exact, port, operation, { authenticationTicket: ticket, ...args })).result as Record<
      string,
      unknown
    >;
  /** The `<root>` of an XmlNode answer as node-soap parsed it. */
  const root = async (operation: string, args: Record<string, unknown>) =>
    (
      (await result(operation, args))?.[`${operation}Result`] as
        { root?: Record<string, unknown> } | undefined
    )?.root;

  beforeAll(async () => {
    client = await soap.createClientAsync(`${endpoint()}?WSDL`, { ...PORTS[port].options });
    exact = await soap.createClientAsync(`${endpoint()}?WSDL`, { ...PORTS[port].options, ...EXACT_OPTIONS });
    const login = await callPort(client, port, 'AuthenticateUser', { UID: 'jsmith', PWD: 'Secret123!' });
    const attrs = (
      login.result as { AuthenticateUserResult?: { root?: { attributes?: Record<string, string> } } }
    ).AuthenticateUserResult?.root?.attributes;
    expect(attrs).toMatchObject({ success: 'true', ticket: expect.stringMatching(GUID) });
    ticket = attrs?.ticket as string;
  }, 60_000);

  afterAll(async () => {
    if (!ticket) return;
    const logout = await callPort(client, port, 'LogOut', { AuthenticationTicket: ticket });
    expect(logout.result).toEqual({ LogOutResult: { root: { attributes: { success: 'true' } } } });
  }, 30_000);

  test('the WSDL describes the port with its 26 operations', () => {
    const description = client.describe() as Record<string, Record<string, Record<string, unknown>>>;
    expect(Object.keys(description.Srv?.[port] ?? {}).sort()).toEqual([...OPERATIONS].sort());
  });

  test('GetDocumentInfo: numbers, a Date, a boolean, a string array and the enum member name', async () => {
    expect(await result('GetDocumentInfo', { path: Q1 })).toEqual({
      GetDocumentInfoResult: {
        Id: 101,
        Name: 'Q1.pdf',
        Path: Q1,
        Size: 48213,
        Modified: new Date('2026-01-15T09:30:00Z'),
        CheckedOut: false,
        Tags: { string: ['finance', 'q1'] },
        Status: 'Published',
        // No Description key at all: the element is left out for a null string.
      },
    });
    const q2 = await call('GetDocumentInfo', { path: Q2 });
    expect(q2.result).toEqual({
      GetDocumentInfoResult: {
        Id: 102,
        Name: 'Q2.pdf',
        Path: Q2,
        Size: 51877,
        // `2026-04-15T17:05:30.25` has no zone: node-soap's new Date() reads it as client local time.
        Modified: new Date(2026, 3, 15, 17, 5, 30, 250),
        CheckedOut: false,
        Tags: { string: ['finance', 'q2'] },
        Status: 'Draft',
        Description: 'Q2 report \u2013 R&D <draft> "v2"',
      },
    });
    expect(q2.rawResponse).toContain(
      '<Description>Q2 report \u2013 R&amp;D &lt;draft&gt; "v2"</Description></GetDocumentInfoResult>',
    );
    const budget = await call('GetDocumentInfo', { path: BUDGET });
    expect(budget.result).toEqual({
      GetDocumentInfoResult: {
        Id: 103,
        Name: 'Budget.xlsx',
        Path: BUDGET,
        Size: 20480,
        Modified: new Date('2025-12-31T23:59:59Z'),
        CheckedOut: true,
        // `<Tags />` (an empty array) is null; `<Description />` is ''.
        Tags: null,
        Status: 'Archived',
        Description: '',
      },
    });
    expect(budget.rawResponse).toContain(
      '<Modified>2025-12-31T23:59:59+00:00</Modified><CheckedOut>true</CheckedOut><Tags /><Status>Archived</Status><Description /></GetDocumentInfoResult>',
    );
  });

  test('GetDocumentInfos: an array of DocumentInfo (even of one); an empty array result is null', async () => {
    const reports = (await result('GetDocumentInfos', { path: '/Finance/Reports' }))
      ?.GetDocumentInfosResult as {
      DocumentInfo: Record<string, unknown>[];
    };
    expect(reports.DocumentInfo.map((d) => [d.Id, d.Name, d.Size, d.Status])).toEqual([
      [101, 'Q1.pdf', 48213, 'Published'],
      [102, 'Q2.pdf', 51877, 'Draft'],
    ]);
    expect(reports.DocumentInfo[0]).not.toHaveProperty('Description');
    expect(reports.DocumentInfo[1]).toHaveProperty('Modified', new Date(2026, 3, 15, 17, 5, 30, 250));
    expect(await result('GetDocumentInfos', { path: '/Finance' })).toEqual({
      GetDocumentInfosResult: {
        DocumentInfo: [
          {
            Id: 103,
            Name: 'Budget.xlsx',
            Path: BUDGET,
            Size: 20480,
            Modified: new Date('2025-12-31T23:59:59Z'),
            CheckedOut: true,
            Tags: null,
            Status: 'Archived',
            Description: '',
          },
        ],
      },
    });
    const empty = await call('GetDocumentInfos', { path: '/' });
    expect(empty.result).toEqual({ GetDocumentInfosResult: null });
    expect(empty.rawResponse).toContain(
      '<GetDocumentInfosResponse xmlns="http://tempuri.org/"><GetDocumentInfosResult />',
    );
  });

  test('GetDocumentNames: { string: [...] } (even for one name); an empty array result is null', async () => {
    expect(await result('GetDocumentNames', { path: '/Finance/Reports' })).toEqual({
      GetDocumentNamesResult: { string: ['Q1.pdf', 'Q2.pdf'] },
    });
    expect(await result('GetDocumentNames', { path: '/Finance' })).toEqual({
      GetDocumentNamesResult: { string: ['Budget.xlsx'] },
    });
    const empty = await call('GetDocumentNames', { path: '/' });
    expect(empty.result).toEqual({ GetDocumentNamesResult: null });
    expect(empty.rawResponse).toContain('<GetDocumentNamesResult />');
  });

  test('GetStorageUsed: node-soap parseInt()s the long, so 2^53 + 1 arrives as 2^53', async () => {
    const used = await call('GetStorageUsed');
    expect(used.result).toEqual({ GetStorageUsedResult: 9007199254740992 });
    expect(used.rawResponse).toContain('<GetStorageUsedResult>9007199254740993</GetStorageUsedResult>');
    // A customDeserializer gets the exact value.
    expect(await exactResult('GetStorageUsed')).toEqual({ GetStorageUsedResult: 9007199254740993n });
  });

  test('GetQuotaFraction: the number 1/3, from the 17-digit text', async () => {
    const fraction = await call('GetQuotaFraction');
    expect(fraction.result).toEqual({ GetQuotaFractionResult: 1 / 3 });
    expect(await exactResult('GetQuotaFraction')).toEqual({ GetQuotaFractionResult: '0.33333333333333331' });
  });

  test('GetStorageCost: node-soap Number()s the decimal, 1234.50 arrives as 1234.5', async () => {
    expect(await result('GetStorageCost')).toEqual({ GetStorageCostResult: 1234.5 });
    expect(await exactResult('GetStorageCost')).toEqual({ GetStorageCostResult: '1234.50' });
  });

  test('GetServerTime (a Date), GetServerVersion (a string)', async () => {
    expect(await result('GetServerTime')).toEqual({ GetServerTimeResult: new Date('2026-01-15T09:30:00Z') });
    expect(await exactResult('GetServerTime')).toEqual({ GetServerTimeResult: '2026-01-15T09:30:00Z' });
    expect(await result('GetServerVersion')).toEqual({ GetServerVersionResult: 'infoRouter-ref 1.0 (Mono)' });
  });

  test('the exact texts of DocumentInfo members through customDeserializer', async () => {
    expect(await exactResult('GetDocumentInfo', { path: Q2 })).toMatchObject({
      GetDocumentInfoResult: { Size: 51877n, Modified: '2026-04-15T17:05:30.25' },
    });
    expect(await exactResult('GetDocumentInfo', { path: BUDGET })).toMatchObject({
      GetDocumentInfoResult: { Size: 20480n, Modified: '2025-12-31T23:59:59+00:00' },
    });
  });

  test('GetDocumentGuid (a lower-case string), IsCheckedOut (a boolean), GetDocumentVersionCount (a number)', async () => {
    expect(await result('GetDocumentGuid', { path: Q1 })).toEqual({
      GetDocumentGuidResult: '0f8fad5b-d9cb-469f-a165-70867728950e',
    });
    expect(await result('GetDocumentGuid', { path: Q2 })).toEqual({
      GetDocumentGuidResult: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
    });
    expect(await result('IsCheckedOut', { path: Q1 })).toEqual({ IsCheckedOutResult: false });
    expect(await result('IsCheckedOut', { path: BUDGET })).toEqual({ IsCheckedOutResult: true });
    expect(await result('GetDocumentVersionCount', { path: Q1 })).toEqual({
      GetDocumentVersionCountResult: 3,
    });
    expect(await result('GetDocumentVersionCount', { path: Q2 })).toEqual({
      GetDocumentVersionCountResult: 1,
    });
    expect(await result('GetDocumentVersionCount', { path: BUDGET })).toEqual({
      GetDocumentVersionCountResult: 7,
    });
  });

  test('Ping: a void operation gives a null result', async () => {
    const ping = await callPort(client, port, 'Ping', {});
    expect(ping.result).toBeNull();
    expect(ping.rawResponse).toContain('<soap:Body><PingResponse xmlns="http://tempuri.org/" /></soap:Body>');
  });

  test('a typed operation with a bad ticket is a SOAP fault: node-soap rejects with the code and text', async () => {
    const cases: [string, Record<string, string>, string][] = [
      ['GetStorageUsed', { authenticationTicket: BAD_TICKET }, '[901] Session expired or Invalid ticket'],
      [
        'GetDocumentInfo',
        { authenticationTicket: BAD_TICKET, path: BUDGET },
        '[901] Session expired or Invalid ticket',
      ],
      [
        'GetDocumentInfo',
        { authenticationTicket: ticket, path: '/Finance/nope.pdf' },
        '[130] Document not found',
      ],
      ['GetDocumentNames', { authenticationTicket: ticket, path: '/Finance/' }, '[120] Folder not found'],
    ];
    for (const [operation, args, text] of cases) {
      const error = await callFault(client, port, operation, args);
      const context = `${port} ${operation} ${args.path ?? ''}`;
      const full = `System.Web.Services.Protocols.SoapException: ${text}`;
      const fault = error.root?.Envelope?.Body?.Fault as Record<string, unknown>;
      expect({ context, status: error.response?.status }).toEqual({ context, status: 500 });
      if (port === 'SrvSoap') {
        expect({ context, message: withoutStackTrace(error.message) }).toEqual({
          context,
          message: `soap:Client: ${full}`,
        });
        expect({
          context,
          faultcode: fault.faultcode,
          faultstring: withoutStackTrace(String(fault.faultstring)),
        }).toEqual({ context, faultcode: 'soap:Client', faultstring: full });
      } else {
        // node-soap formats a SOAP 1.2 code as `Value: Subcode`; there is no Subcode.
        expect({ context, message: withoutStackTrace(error.message) }).toEqual({
          context,
          message: `soap:Sender: undefined: ${full}`,
        });
        const reason = fault.Reason as { Text: { attributes: Record<string, string>; $value: string } };
        expect({
          context,
          code: fault.Code,
          lang: reason.Text.attributes,
          text: withoutStackTrace(reason.Text.$value),
        }).toEqual({ context, code: { Value: 'soap:Sender' }, lang: { 'xml:lang': 'en' }, text: full });
      }
    }
  });

  test('an XmlNode operation with a bad ticket answers <root success="false"> instead', async () => {
    expect(await root('GetFolderContents', { authenticationTicket: BAD_TICKET, path: '/' })).toEqual({
      attributes: INVALID,
    });
  });

  test('XmlNode writes: bytes, a string array, an enum and a full DocumentInfo arrive as node-soap sent them', async () => {
    const bytes = Buffer.from([0, 1, 2, 0xff]);
    expect(await root('UploadDocument', { path: Q1, content: bytes.toString('base64') })).toEqual({
      attributes: {
        success: 'true',
        path: Q1,
        size: '4',
        md5: '0416dab819887333af831f8c765ac2ae',
        replaced: 'true',
      },
    });
    expect(await root('SetDocumentTags', { path: BUDGET, tags: { string: ['a', '', 'b & <c>'] } })).toEqual({
      attributes: { success: 'true', path: BUDGET, count: '3' },
      // node-soap makes an empty <tag /> null.
      tag: ['a', null, 'b & <c>'],
    });
    expect(await root('SetDocumentStatus', { path: BUDGET, status: 'Published' })).toEqual({
      attributes: { success: 'true', path: BUDGET, previous: 'Archived', status: 'Published' },
    });
    expect(
      await root('UpdateDocumentInfo', {
        info: {
          Id: 101,
          Name: 'Q1 \u2013 <new>',
          Path: Q1,
          Size: '9007199254740993',
          Modified: '2026-01-15T09:30:00.25Z',
          CheckedOut: true,
          Tags: { string: ['x', 'y'] },
          Status: 'Archived',
          Description: '',
        },
      }),
    ).toEqual({
      attributes: {
        success: 'true',
        id: '101',
        name: 'Q1 \u2013 <new>',
        path: Q1,
        size: '9007199254740993',
        modified: '2026-01-15T09:30:00.25Z',
        checkedOut: 'true',
        status: 'Archived',
        description: '',
        count: '2',
      },
      tag: ['x', 'y'],
    });
    expect(await root('GetFolderContents', { path: '/Finance' })).toEqual({
      attributes: { success: 'true' },
      folder: { attributes: { name: 'Reports', path: '/Finance/Reports' } },
      document: { attributes: { id: '103', name: 'Budget.xlsx', size: '20480' } },
    });
  });
});
