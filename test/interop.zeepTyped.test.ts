/**
 * Interoperability of the typed document API with Python zeep (Debian's python3-zeep, run by
 * /usr/bin/python3): the client builds itself from the served WSDL, binds the SrvSoap (SOAP 1.1)
 * or SrvSoap12 (SOAP 1.2) port, signs in, calls every typed and XmlNode operation of the document
 * API and logs out. test/interop/zeep_typed_client.py makes the calls and prints one JSON line that
 * describes every value zeep handed back with its Python type; this file asserts each one exactly.
 *
 * The server is startExampleServer (test/support/exampleServer.ts): the real ASMX reference on Mono,
 * or the emulator serving examples/inforouter-documents/, with the same assertions. Deliberate
 * differences of the emulator from Mono (README of asmx-reference/typed, rules 2-3) are handled
 * where they show: fault texts are compared without Mono's stack-trace lines.
 *
 * What zeep cannot tell apart, and the raw result element (`resultElement`, as zeep received it)
 * is asserted for instead: an absent string member and an empty one (`<Description />`) are both
 * None, an empty array member (`<Tags />`) and an empty array result are None too.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { startExampleServer } from './support/exampleServer';
import { GUID, INVALID } from './support/expected';

const execFileAsync = promisify(execFile);

const PYTHON = '/usr/bin/python3';
const SCRIPT = path.join(__dirname, 'interop', 'zeep_typed_client.py');
const RUN_TIMEOUT_MS = 90_000;
// The first test of each binding waits for the whole zeep run (the reference server is slow at first).
jest.setTimeout(RUN_TIMEOUT_MS + 15_000);

const TNS = 'http://tempuri.org/';
const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
const XSD = 'http://www.w3.org/2001/XMLSchema';
const SOAPENC_URL = 'http://schemas.xmlsoap.org/soap/encoding/';
const BAD_TICKET = '00000000-0000-0000-0000-000000000000';

const BINDINGS = {
  SrvSoap: {
    envelope: 'http://schemas.xmlsoap.org/soap/envelope/',
    responseContentType: 'text/xml; charset=utf-8',
    requestContentType: () => 'text/xml; charset=utf-8',
    // zeep hands back the fault code's text as received, prefix included.
    faultCode: 'soap:Client',
    faultSubcodes: null,
    faultDetailTag: 'detail',
  },
  SrvSoap12: {
    envelope: 'http://www.w3.org/2003/05/soap-envelope',
    responseContentType: 'application/soap+xml; charset=utf-8',
    requestContentType: (operation: string) =>
      `application/soap+xml; charset=utf-8; action="${TNS}${operation}"`,
    faultCode: 'soap:Sender',
    faultSubcodes: [] as string[],
    faultDetailTag: '{http://www.w3.org/2003/05/soap-envelope}Detail',
  },
} as const;
type BindingName = keyof typeof BINDINGS;

// ---- The JSON of zeep_typed_client.py -------------------------------------------------------

/** describe() of zeep_typed_client.py: a Python value with its type. */
type Value =
  | { type: 'NoneType' }
  | { type: 'bool'; value: boolean }
  | { type: 'int'; value: string }
  | { type: 'float'; repr: string; isOneThird: boolean }
  | { type: 'Decimal'; str: string; exponent: number }
  | {
      type: 'datetime';
      iso: string;
      microsecond: number;
      tzinfo: string | null;
      tzname: string | null;
      utcoffsetSeconds: number | null;
    }
  | { type: 'str'; value: string }
  | { type: 'bytes'; hex: string }
  | { type: 'list'; items: Value[] }
  | { type: string; members: [string, Value][] }
  | XmlElement;

interface XmlElement {
  type: '_Element';
  /** Clark notation: `{namespace}local`, or `local` in no namespace. */
  tag: string;
  /** In document order. */
  attrs: [string, string][];
  text: string | null;
  children: XmlElement[];
  /** Only on the element zeep handed back: the namespaces in scope, '' for the default one. */
  nsmap?: Record<string, string>;
}

interface Exchange {
  method: string;
  url: string;
  contentType: string | null;
  soapAction: string | null;
  body: string | null;
  status: number;
  responseContentType: string | null;
  responseBody: string;
}

interface Step {
  operation: string;
  requestEnvelope: string | null;
  responseEnvelope: string | null;
  http: Exchange[];
  value?: Value;
  resultElement?: XmlElement | null;
  fault?: {
    message: string;
    code: string;
    actor: string | null;
    subcodes: string[] | null;
    detail: XmlElement | null;
  };
}

interface Upload {
  sentSize: number;
  sentMd5: string;
  size: string | null;
  md5: string | null;
}

interface ZeepRun {
  zeep: string;
  python: string;
  binding: string;
  wsdlLoads: { url: string; from: 'server' | 'offline' }[];
  ticket: string;
  uploads: Record<'uploadAllBytes' | 'uploadHello' | 'uploadEmpty', Upload>;
  steps: Record<string, Step>;
}

// ---- Builders of expected values ------------------------------------------------------------

const none: Value = { type: 'NoneType' };
const int = (value: number | string): Value => ({ type: 'int', value: String(value) });
const bool = (value: boolean): Value => ({ type: 'bool', value });
const str = (value: string): Value => ({ type: 'str', value });
const list = (...items: Value[]): Value => ({ type: 'list', items });
/** An xsd:dateTime with `Z`: isodate's Utc tzinfo. */
const utc = (iso: string, microsecond = 0): Value => ({
  type: 'datetime',
  iso,
  microsecond,
  tzinfo: 'Utc',
  tzname: 'UTC',
  utcoffsetSeconds: 0,
});
/** An xsd:dateTime with `+00:00` (a DateTimeKind.Local value of the server in UTC): a FixedOffset. */
const plusZero = (iso: string): Value => ({
  type: 'datetime',
  iso,
  microsecond: 0,
  tzinfo: 'FixedOffset',
  tzname: '+00:00',
  utcoffsetSeconds: 0,
});
/** An xsd:dateTime without a zone (DateTimeKind.Unspecified): a naive datetime. */
const naive = (iso: string, microsecond = 0): Value => ({
  type: 'datetime',
  iso,
  microsecond,
  tzinfo: null,
  tzname: null,
  utcoffsetSeconds: null,
});

interface Doc {
  Id: number;
  Name: string;
  Path: string;
  Size: number;
  Modified: Value;
  /** The text of <Modified> on the wire. */
  modifiedText: string;
  CheckedOut: boolean;
  /** null: absent; []: `<Tags />`. */
  Tags: string[] | null;
  Status: 'Draft' | 'Published' | 'Archived';
  /** null: absent; '': `<Description />`. */
  Description: string | null;
}

const Q1: Doc = {
  Id: 101,
  Name: 'Q1.pdf',
  Path: '/Finance/Reports/Q1.pdf',
  Size: 48213,
  Modified: utc('2026-01-15T09:30:00+00:00'),
  modifiedText: '2026-01-15T09:30:00Z',
  CheckedOut: false,
  Tags: ['finance', 'q1'],
  Status: 'Published',
  Description: null,
};
const Q2: Doc = {
  Id: 102,
  Name: 'Q2.pdf',
  Path: '/Finance/Reports/Q2.pdf',
  Size: 51877,
  Modified: naive('2026-04-15T17:05:30.250000', 250_000),
  modifiedText: '2026-04-15T17:05:30.25',
  CheckedOut: false,
  Tags: ['finance', 'q2'],
  Status: 'Draft',
  Description: 'Q2 report \u2013 R&D <draft> "v2"',
};
const BUDGET: Doc = {
  Id: 103,
  Name: 'Budget.xlsx',
  Path: '/Finance/Budget.xlsx',
  Size: 20480,
  Modified: plusZero('2025-12-31T23:59:59+00:00'),
  modifiedText: '2025-12-31T23:59:59+00:00',
  CheckedOut: true,
  Tags: [],
  Status: 'Archived',
  Description: '',
};

/** What zeep makes of a DocumentInfo: members in schema order; '' and [] become None. */
function zeepDocumentInfo(doc: Doc): Value {
  return {
    type: 'zeep:DocumentInfo',
    members: [
      ['Id', int(doc.Id)],
      ['Name', str(doc.Name)],
      ['Path', str(doc.Path)],
      ['Size', int(doc.Size)],
      ['Modified', doc.Modified],
      ['CheckedOut', bool(doc.CheckedOut)],
      [
        'Tags',
        doc.Tags && doc.Tags.length > 0
          ? { type: 'zeep:ArrayOfString', members: [['string', list(...doc.Tags.map(str))]] }
          : none,
      ],
      ['Status', str(doc.Status)],
      ['Description', doc.Description ? str(doc.Description) : none],
    ],
  };
}

const el = (tag: string, text: string | null = null, children: XmlElement[] = []): XmlElement => ({
  type: '_Element',
  tag,
  attrs: [],
  text,
  children,
});
const tns = (local: string) => `{${TNS}}${local}`;

/** The DocumentInfo members on the wire: null members left out, `<Tags />`, `<Description />`. */
function wireDocumentInfo(doc: Doc): XmlElement[] {
  const members = [
    el(tns('Id'), String(doc.Id)),
    el(tns('Name'), doc.Name),
    el(tns('Path'), doc.Path),
    el(tns('Size'), String(doc.Size)),
    el(tns('Modified'), doc.modifiedText),
    el(tns('CheckedOut'), String(doc.CheckedOut)),
  ];
  if (doc.Tags)
    members.push(
      el(
        tns('Tags'),
        null,
        doc.Tags.map((tag) => el(tns('string'), tag)),
      ),
    );
  members.push(el(tns('Status'), doc.Status));
  if (doc.Description !== null) members.push(el(tns('Description'), doc.Description || null));
  return members;
}

/** A child element of an XmlNode answer (in no namespace). */
const child = (tag: string, attrs: [string, string][] = [], text: string | null = null): XmlElement => ({
  type: '_Element',
  tag,
  attrs,
  text,
  children: [],
});

/** Fault texts without Mono's stack-trace lines (the emulator sends none: README rule 2). */
function withoutStackTrace(message: string): string {
  return message
    .split('\n')
    .filter((line) => !line.startsWith('  at ') && line !== '   --- End of inner exception stack trace ---')
    .join('\n')
    .trimEnd();
}

function describeFailure(error: unknown): string {
  const e = error as { message?: string; code?: unknown; killed?: boolean; stdout?: string; stderr?: string };
  return [
    e.message ?? String(error),
    `exit code: ${String(e.code)}${e.killed ? ' (killed: timeout)' : ''}`,
    `stdout: ${e.stdout ?? ''}`,
    `stderr: ${e.stderr ?? ''}`,
  ].join('\n');
}

// ---- The server and the runs ----------------------------------------------------------------

let server: Awaited<ReturnType<typeof startExampleServer>>;
beforeAll(async () => {
  server = await startExampleServer();
}, 120_000);
afterAll(async () => {
  await server?.close();
});

const endpoint = () => `${server.origin}${server.servicePath}`;
const wsdlUrl = () => `${endpoint()}?WSDL`;

async function runZeep(binding: BindingName): Promise<ZeepRun> {
  let stdout: string;
  try {
    ({ stdout } = await execFileAsync(PYTHON, [SCRIPT, wsdlUrl(), binding], {
      timeout: RUN_TIMEOUT_MS,
      killSignal: 'SIGKILL',
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
    }));
  } catch (error) {
    throw new Error(`zeep_typed_client.py ${binding} failed:\n${describeFailure(error)}`);
  }
  const lines = stdout.trim().split('\n');
  try {
    return JSON.parse(lines[lines.length - 1] ?? '') as ZeepRun;
  } catch {
    throw new Error(`zeep_typed_client.py ${binding} printed no JSON line:\n${stdout}`);
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

/** Every step of zeep_typed_client.py and whether its answer is a fault. */
const STEPS: Record<string, { operation: string; fault?: true }> = {
  login: { operation: 'AuthenticateUser' },
  infoQ1: { operation: 'GetDocumentInfo' },
  infoQ2: { operation: 'GetDocumentInfo' },
  infoBudget: { operation: 'GetDocumentInfo' },
  infosReports: { operation: 'GetDocumentInfos' },
  infosFinance: { operation: 'GetDocumentInfos' },
  infosRoot: { operation: 'GetDocumentInfos' },
  namesReports: { operation: 'GetDocumentNames' },
  namesRoot: { operation: 'GetDocumentNames' },
  storageUsed: { operation: 'GetStorageUsed' },
  quotaFraction: { operation: 'GetQuotaFraction' },
  storageCost: { operation: 'GetStorageCost' },
  serverVersion: { operation: 'GetServerVersion' },
  serverTime: { operation: 'GetServerTime' },
  ping: { operation: 'Ping' },
  guidQ1: { operation: 'GetDocumentGuid' },
  guidBudget: { operation: 'GetDocumentGuid' },
  checkedOutQ1: { operation: 'IsCheckedOut' },
  checkedOutBudget: { operation: 'IsCheckedOut' },
  versionsQ1: { operation: 'GetDocumentVersionCount' },
  versionsBudget: { operation: 'GetDocumentVersionCount' },
  folderRoot: { operation: 'GetFolderContents' },
  folderFinance: { operation: 'GetFolderContents' },
  folderMissing: { operation: 'GetFolderContents' },
  createFolder: { operation: 'CreateFolder' },
  createFolderNoDescription: { operation: 'CreateFolder' },
  createFolderExists: { operation: 'CreateFolder' },
  deleteQ2: { operation: 'DeleteDocument' },
  deleteBudget: { operation: 'DeleteDocument' },
  uploadAllBytes: { operation: 'UploadDocument' },
  uploadHello: { operation: 'UploadDocument' },
  uploadEmpty: { operation: 'UploadDocument' },
  uploadNoContent: { operation: 'UploadDocument' },
  searchFinance: { operation: 'SearchDocuments' },
  searchPage2: { operation: 'SearchDocuments' },
  searchBadPaging: { operation: 'SearchDocuments' },
  tagsMixed: { operation: 'SetDocumentTags' },
  tagsNoneItem: { operation: 'SetDocumentTags' },
  tagsEmpty: { operation: 'SetDocumentTags' },
  tagsAbsent: { operation: 'SetDocumentTags' },
  expiresUtc: { operation: 'SetDocumentExpirationDate' },
  expiresNaive: { operation: 'SetDocumentExpirationDate' },
  expiresOffset: { operation: 'SetDocumentExpirationDate' },
  expiresTimezoneUtc: { operation: 'SetDocumentExpirationDate' },
  statusPublished: { operation: 'SetDocumentStatus' },
  statusMissingDoc: { operation: 'SetDocumentStatus' },
  updateFull: { operation: 'UpdateDocumentInfo' },
  updateSparse: { operation: 'UpdateDocumentInfo' },
  updateNoInfo: { operation: 'UpdateDocumentInfo' },
  faultBadTicket: { operation: 'GetStorageUsed', fault: true },
  faultBadTicketInfo: { operation: 'GetDocumentInfo', fault: true },
  faultNotFound: { operation: 'GetDocumentInfo', fault: true },
  faultFolderNotFound: { operation: 'GetDocumentNames', fault: true },
  xmlNodeBadTicket: { operation: 'GetFolderContents' },
  logout: { operation: 'LogOut' },
  validAfterLogout: { operation: 'isValidTicket' },
  faultAfterLogout: { operation: 'IsCheckedOut', fault: true },
};

/** The 21 operations of the document API. */
const DOCUMENT_OPERATIONS = [
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

describe.each(Object.keys(BINDINGS) as BindingName[])('zeep through the %s binding', (binding) => {
  const expected = BINDINGS[binding];
  let run: Promise<ZeepRun> | undefined;
  /** One zeep run per binding, shared by the tests below (each fails on its own if it failed). */
  const zeepRun = () => (run ??= runZeep(binding));
  const step = async (name: string): Promise<Step> => {
    const s = (await zeepRun()).steps[name];
    if (!s) throw new Error(`zeep_typed_client.py reported no step ${name}`);
    return s;
  };
  const value = async (name: string): Promise<Value | undefined> => (await step(name)).value;
  /** The lxml element zeep handed back for an XmlNode answer: `<root>` in no namespace. */
  const root = async (name: string) => {
    const v = (await step(name)).value as XmlElement;
    expect({ name, type: v.type, tag: v.tag }).toEqual({ name, type: '_Element', tag: 'root' });
    return v;
  };
  /** The attributes of that `<root>`, in document order. */
  const rootAttrs = async (name: string) => (await root(name)).attrs;

  test('zeep loaded the WSDL from the server (and soap-encoding offline) and the scenario ran', async () => {
    const result = await zeepRun();
    expect(result.binding).toBe(binding);
    expect(result.wsdlLoads).toEqual([
      { url: wsdlUrl(), from: 'server' },
      { url: SOAPENC_URL, from: 'offline' },
    ]);
    expect(Object.keys(result.steps)).toEqual(Object.keys(STEPS));
    const called = new Set(Object.values(result.steps).map((s) => s.operation));
    for (const operation of DOCUMENT_OPERATIONS)
      expect({ operation, called: called.has(operation) }).toEqual({
        operation,
        called: true,
      });
  });

  test('every call went to the WSDL address over the binding SOAP version, one exchange each', async () => {
    const result = await zeepRun();
    for (const [name, { operation, fault }] of Object.entries(STEPS)) {
      const s = result.steps[name];
      const context = `${binding} ${name} (${operation})`;
      expect({ context, operation: s?.operation, kind: s?.fault ? 'fault' : 'value' }).toEqual({
        context,
        operation,
        kind: fault ? 'fault' : 'value',
      });
      expect({ context, request: s?.requestEnvelope, response: s?.responseEnvelope }).toEqual({
        context,
        request: expected.envelope,
        response: expected.envelope,
      });
      expect({ context, exchanges: s?.http.length }).toEqual({ context, exchanges: 1 });
      const exchange = s?.http[0];
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
        // The served WSDL's address names the host zeep fetched it from.
        url: endpoint(),
        contentType: expected.requestContentType(operation),
        soapAction: `"${TNS}${operation}"`,
        status: fault ? 500 : 200,
        responseContentType: expected.responseContentType,
      });
    }
  });

  test('XmlNode answers are a <root> lxml element in no namespace, with the envelope namespaces in scope', async () => {
    const result = await zeepRun();
    for (const [name, s] of Object.entries(result.steps)) {
      const v = s.value as XmlElement | undefined;
      if (!v || v.type !== '_Element') continue;
      // `xmlns=""` on <root> and the soap/xsi/xsd declarations of <soap:Envelope>: what a zeep user
      // sees in root.nsmap and in etree.tostring(root).
      expect({ name, tag: v.tag, nsmap: v.nsmap }).toEqual({
        name,
        tag: 'root',
        nsmap: { '': '', soap: expected.envelope, xsi: XSI, xsd: XSD },
      });
      // zeep hands back the one child of <OperationResult>, as received.
      const received: XmlElement = {
        type: v.type,
        tag: v.tag,
        attrs: v.attrs,
        text: v.text,
        children: v.children,
      };
      expect({ name, result: s.resultElement }).toEqual({
        name,
        result: el(tns(`${s.operation}Result`), null, [received]),
      });
    }
  });

  test('AuthenticateUser gives an lxml <root> with a fresh ticket, attributes in ASMX order', async () => {
    const result = await zeepRun();
    const attrs = await rootAttrs('login');
    expect(Object.fromEntries(attrs)).toEqual({
      success: 'true',
      ticket: result.ticket,
      userid: '42',
      username: 'jsmith',
      firstName: 'John',
      lastName: 'Smith',
      fullname: 'John Smith',
      email: 'jsmith@example.com',
      expireOn: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      isAuthenticated: 'True',
    });
    expect(attrs.map(([name]) => name)).toEqual([
      'success',
      'ticket',
      'userid',
      'username',
      'firstName',
      'lastName',
      'fullname',
      'email',
      'expireOn',
      'isAuthenticated',
    ]);
    expect(result.ticket).toMatch(GUID);
  });

  test('GetDocumentInfo: a zeep DocumentInfo with int, str, long, datetime, bool, array and enum members', async () => {
    expect(await value('infoQ1')).toEqual(zeepDocumentInfo(Q1));
    expect(await value('infoQ2')).toEqual(zeepDocumentInfo(Q2));
    expect(await value('infoBudget')).toEqual(zeepDocumentInfo(BUDGET));
  });

  test('GetDocumentInfo on the wire: a null member is left out, an empty string or array is an empty element', async () => {
    for (const [name, doc] of [
      ['infoQ1', Q1],
      ['infoQ2', Q2],
      ['infoBudget', BUDGET],
    ] as const) {
      expect({ name, result: (await step(name)).resultElement }).toEqual({
        name,
        result: el(tns('GetDocumentInfoResult'), null, wireDocumentInfo(doc)),
      });
    }
    // Q1 has no Description element at all, Budget an empty one; zeep gives None for both.
    const q1Members = (await step('infoQ1')).resultElement?.children.map((c) => c.tag);
    expect(q1Members).not.toContain(tns('Description'));
    const budget = (await step('infoBudget')).resultElement?.children ?? [];
    expect(budget.find((c) => c.tag === tns('Description'))).toEqual(el(tns('Description')));
    expect(budget.find((c) => c.tag === tns('Tags'))).toEqual(el(tns('Tags')));
  });

  test('GetDocumentInfos: a list of DocumentInfo; an empty array result is None', async () => {
    expect(await value('infosReports')).toEqual(list(zeepDocumentInfo(Q1), zeepDocumentInfo(Q2)));
    expect(await value('infosFinance')).toEqual(list(zeepDocumentInfo(BUDGET)));
    expect((await step('infosFinance')).resultElement).toEqual(
      el(tns('GetDocumentInfosResult'), null, [el(tns('DocumentInfo'), null, wireDocumentInfo(BUDGET))]),
    );
    expect(await value('infosRoot')).toEqual(none);
    expect((await step('infosRoot')).resultElement).toEqual(el(tns('GetDocumentInfosResult')));
  });

  test('GetDocumentNames: a list of str; an empty array result is None', async () => {
    expect(await value('namesReports')).toEqual(list(str('Q1.pdf'), str('Q2.pdf')));
    expect(await value('namesRoot')).toEqual(none);
    expect((await step('namesRoot')).resultElement).toEqual(el(tns('GetDocumentNamesResult')));
  });

  test('GetStorageUsed: a Python int beyond 2^53, exact', async () => {
    expect(await value('storageUsed')).toEqual(int('9007199254740993'));
    expect((await step('storageUsed')).resultElement?.text).toBe('9007199254740993');
  });

  test('GetQuotaFraction: the float 1/3', async () => {
    expect(await value('quotaFraction')).toEqual({
      type: 'float',
      repr: '0.3333333333333333',
      isOneThird: true,
    });
    // .NET's R format, 17 significant digits (zeep would accept the shorter form too).
    expect((await step('quotaFraction')).resultElement?.text).toBe('0.33333333333333331');
  });

  test('GetStorageCost: Decimal("1234.50"), scale kept', async () => {
    expect(await value('storageCost')).toEqual({ type: 'Decimal', str: '1234.50', exponent: -2 });
  });

  test('GetServerVersion (str), GetServerTime (UTC datetime), Ping (None)', async () => {
    expect(await value('serverVersion')).toEqual(str('infoRouter-ref 1.0 (Mono)'));
    expect(await value('serverTime')).toEqual(utc('2026-01-15T09:30:00+00:00'));
    expect((await step('serverTime')).resultElement?.text).toBe('2026-01-15T09:30:00Z');
    expect(await value('ping')).toEqual(none);
    // No result element: <PingResponse xmlns="http://tempuri.org/" /> is empty.
    expect((await step('ping')).resultElement).toBeNull();
  });

  test('GetDocumentGuid (str, lower case), IsCheckedOut (bool), GetDocumentVersionCount (int)', async () => {
    expect(await value('guidQ1')).toEqual(str('0f8fad5b-d9cb-469f-a165-70867728950e'));
    expect(await value('guidBudget')).toEqual(str('6ba7b810-9dad-11d1-80b4-00c04fd430c8'));
    expect(await value('checkedOutQ1')).toEqual(bool(false));
    expect(await value('checkedOutBudget')).toEqual(bool(true));
    expect(await value('versionsQ1')).toEqual(int(3));
    expect(await value('versionsBudget')).toEqual(int(7));
  });

  test('GetFolderContents: folders then documents as children of <root>; an unknown folder is [120]', async () => {
    expect(await root('folderRoot')).toMatchObject({
      attrs: [['success', 'true']],
      text: null,
      children: [
        child('folder', [
          ['name', 'Finance'],
          ['path', '/Finance'],
        ]),
      ],
    });
    expect(await root('folderFinance')).toMatchObject({
      attrs: [['success', 'true']],
      children: [
        child('folder', [
          ['name', 'Reports'],
          ['path', '/Finance/Reports'],
        ]),
        child('document', [
          ['id', '103'],
          ['name', 'Budget.xlsx'],
          ['size', '20480'],
        ]),
      ],
    });
    expect(await root('folderMissing')).toMatchObject({
      attrs: [
        ['success', 'false'],
        ['error', '[120] Folder not found'],
      ],
      children: [],
    });
  });

  test('CreateFolder echoes path and description (markup and non-ASCII intact), without description when absent', async () => {
    expect(await rootAttrs('createFolder')).toEqual([
      ['success', 'true'],
      ['path', '/Finance/Archive'],
      ['description', 'Old <b>&</b> \u201cquotes\u201d'],
    ]);
    expect((await step('createFolderNoDescription')).http[0]?.body).not.toContain('description');
    expect(await rootAttrs('createFolderNoDescription')).toEqual([
      ['success', 'true'],
      ['path', '/Finance/Archive'],
    ]);
    expect(await rootAttrs('createFolderExists')).toEqual([
      ['success', 'false'],
      ['error', '[121] Folder already exists'],
    ]);
  });

  test('DeleteDocument: success, and [131] for the checked-out Budget.xlsx', async () => {
    expect(await rootAttrs('deleteQ2')).toEqual([
      ['success', 'true'],
      ['path', '/Finance/Reports/Q2.pdf'],
    ]);
    expect(await rootAttrs('deleteBudget')).toEqual([
      ['success', 'false'],
      ['error', '[131] Document is checked out'],
    ]);
  });

  test('UploadDocument: the bytes zeep sent arrive exactly (size and md5), absent content is [150]', async () => {
    const result = await zeepRun();
    expect(result.uploads).toEqual({
      uploadAllBytes: {
        sentSize: 256,
        sentMd5: 'e2c865db4162bed963bfaa9ef6ac18f0',
        size: '256',
        md5: 'e2c865db4162bed963bfaa9ef6ac18f0',
      },
      uploadHello: {
        sentSize: 13,
        sentMd5: '6cd3556deb0da54bca060b4c39479839',
        size: '13',
        md5: '6cd3556deb0da54bca060b4c39479839',
      },
      uploadEmpty: {
        sentSize: 0,
        sentMd5: 'd41d8cd98f00b204e9800998ecf8427e',
        size: '0',
        md5: 'd41d8cd98f00b204e9800998ecf8427e',
      },
    });
    expect(await rootAttrs('uploadAllBytes')).toEqual([
      ['success', 'true'],
      ['path', '/Finance/Reports/bytes.bin'],
      ['size', '256'],
      ['md5', 'e2c865db4162bed963bfaa9ef6ac18f0'],
      ['replaced', 'false'],
    ]);
    expect(await rootAttrs('uploadHello')).toEqual([
      ['success', 'true'],
      ['path', '/Finance/Reports/Q1.pdf'],
      ['size', '13'],
      ['md5', '6cd3556deb0da54bca060b4c39479839'],
      ['replaced', 'true'],
    ]);
    expect((await step('uploadEmpty')).http[0]?.body).toMatch(/<ns0:content(\/>|><\/ns0:content>)/);
    expect(await rootAttrs('uploadEmpty')).toEqual([
      ['success', 'true'],
      ['path', '/Finance/empty.txt'],
      ['size', '0'],
      ['md5', 'd41d8cd98f00b204e9800998ecf8427e'],
      ['replaced', 'false'],
    ]);
    expect((await step('uploadNoContent')).http[0]?.body).not.toContain('content');
    expect(await rootAttrs('uploadNoContent')).toEqual([
      ['success', 'false'],
      ['error', '[150] No content'],
    ]);
  });

  test('SearchDocuments: tag match, paging, and [140] for a page size of 0', async () => {
    expect(await root('searchFinance')).toMatchObject({
      attrs: [
        ['success', 'true'],
        ['total', '2'],
        ['pageSize', '10'],
        ['pageNumber', '1'],
      ],
      children: [
        child('document', [
          ['id', '101'],
          ['name', 'Q1.pdf'],
          ['path', '/Finance/Reports/Q1.pdf'],
          ['size', '48213'],
        ]),
        child('document', [
          ['id', '102'],
          ['name', 'Q2.pdf'],
          ['path', '/Finance/Reports/Q2.pdf'],
          ['size', '51877'],
        ]),
      ],
    });
    expect(await root('searchPage2')).toMatchObject({
      attrs: [
        ['success', 'true'],
        ['total', '3'],
        ['pageSize', '2'],
        ['pageNumber', '2'],
      ],
      children: [
        child('document', [
          ['id', '103'],
          ['name', 'Budget.xlsx'],
          ['path', '/Finance/Budget.xlsx'],
          ['size', '20480'],
        ]),
      ],
    });
    expect(await root('searchBadPaging')).toMatchObject({
      attrs: [
        ['success', 'false'],
        ['error', '[140] Invalid paging parameters'],
      ],
      children: [],
    });
  });

  test('SetDocumentTags: string[] with a nil item, an empty item and markup; empty and absent arrays', async () => {
    const mixed = await step('tagsMixed');
    expect(mixed.http[0]?.body).toContain(`<ns0:string xmlns:xsi="${XSI}" xsi:nil="true"/>`);
    expect(await root('tagsMixed')).toMatchObject({
      attrs: [
        ['success', 'true'],
        ['path', '/Finance/Budget.xlsx'],
        ['count', '4'],
      ],
      children: [
        child('tag', [], 'a'),
        child('tag', [['nil', 'true']]),
        child('tag'),
        child('tag', [], 'b & <c>'),
      ],
    });
    // zeep leaves a plain None item out of the request (only zeep.xsd.Nil gives xsi:nil).
    expect(await root('tagsNoneItem')).toMatchObject({
      attrs: [
        ['success', 'true'],
        ['path', '/Finance/Budget.xlsx'],
        ['count', '1'],
      ],
      children: [child('tag', [], 'a')],
    });
    expect((await step('tagsEmpty')).http[0]?.body).toContain('<ns0:tags/>');
    expect(await root('tagsEmpty')).toMatchObject({
      attrs: [
        ['success', 'true'],
        ['path', '/Finance/Budget.xlsx'],
        ['count', '0'],
      ],
      children: [],
    });
    expect((await step('tagsAbsent')).http[0]?.body).not.toContain('tags');
    expect(await root('tagsAbsent')).toMatchObject({
      attrs: [
        ['success', 'true'],
        ['path', '/Finance/Budget.xlsx'],
        ['count', 'null'],
      ],
      children: [],
    });
  });

  test('SetDocumentExpirationDate: the DateTime zeep sends keeps its fraction and kind', async () => {
    const sent = async (name: string) =>
      /<ns0:expirationDate>([^<]*)<\/ns0:expirationDate>/.exec((await step(name)).http[0]?.body ?? '')?.[1];
    expect(await sent('expiresUtc')).toBe('2026-12-31T10:00:00.250000Z');
    expect(await rootAttrs('expiresUtc')).toEqual([
      ['success', 'true'],
      ['path', '/Finance/Reports/Q1.pdf'],
      ['expirationDate', '2026-12-31T10:00:00.25Z'],
      ['kind', 'Utc'],
    ]);
    expect(await sent('expiresNaive')).toBe('2026-12-31T10:00:00.250000');
    expect(await rootAttrs('expiresNaive')).toEqual([
      ['success', 'true'],
      ['path', '/Finance/Reports/Q1.pdf'],
      ['expirationDate', '2026-12-31T10:00:00.25'],
      ['kind', 'Unspecified'],
    ]);
    // An offset is converted to the server's local time (UTC), kind Local.
    expect(await sent('expiresOffset')).toBe('2026-12-31T10:00:00+02:00');
    expect(await rootAttrs('expiresOffset')).toEqual([
      ['success', 'true'],
      ['path', '/Finance/Reports/Q1.pdf'],
      ['expirationDate', '2026-12-31T08:00:00+00:00'],
      ['kind', 'Local'],
    ]);
    // zeep writes Python's datetime.timezone.utc as +00:00, not Z: that is a Local value too.
    expect(await sent('expiresTimezoneUtc')).toBe('2026-12-31T10:00:00+00:00');
    expect(await rootAttrs('expiresTimezoneUtc')).toEqual([
      ['success', 'true'],
      ['path', '/Finance/Reports/Q1.pdf'],
      ['expirationDate', '2026-12-31T10:00:00+00:00'],
      ['kind', 'Local'],
    ]);
  });

  test('SetDocumentStatus: the enum member zeep sends, and [130] for an unknown document', async () => {
    expect((await step('statusPublished')).http[0]?.body).toContain('<ns0:status>Published</ns0:status>');
    expect(await rootAttrs('statusPublished')).toEqual([
      ['success', 'true'],
      ['path', '/Finance/Budget.xlsx'],
      ['previous', 'Archived'],
      ['status', 'Published'],
    ]);
    expect(await rootAttrs('statusMissingDoc')).toEqual([
      ['success', 'false'],
      ['error', '[130] Document not found'],
    ]);
  });

  test('UpdateDocumentInfo: every member of a full DocumentInfo arrives as zeep sent it', async () => {
    expect(await root('updateFull')).toMatchObject({
      attrs: [
        ['success', 'true'],
        ['id', '101'],
        ['name', 'Q1 \u2013 <new> & "x" \'y\''],
        ['path', '/Finance/Reports/Q1.pdf'],
        ['size', '9007199254740993'],
        ['modified', '2026-01-15T09:30:00.25Z'],
        ['checkedOut', 'true'],
        ['status', 'Archived'],
        ['description', ''],
        ['count', '3'],
      ],
      children: [child('tag', [], 'x'), child('tag', [['nil', 'true']]), child('tag')],
    });
    // Name, Tags and Description left out by zeep: null on the server; absent Description and Name
    // attributes, count="null".
    const sparse = (await step('updateSparse')).http[0]?.body ?? '';
    expect(sparse).not.toMatch(/<ns0:(Name|Tags|Description)\b/);
    expect(await root('updateSparse')).toMatchObject({
      attrs: [
        ['success', 'true'],
        ['id', '0'],
        ['path', '/Finance/Budget.xlsx'],
        ['size', '0'],
        ['modified', '2026-04-15T17:05:30'],
        ['checkedOut', 'false'],
        ['status', 'Draft'],
        ['count', 'null'],
      ],
      children: [],
    });
    expect(await rootAttrs('updateNoInfo')).toEqual([
      ['success', 'false'],
      ['error', '[151] No document info'],
    ]);
  });

  test('a typed operation with a bad ticket raises a zeep Fault with the SoapException text and the client code', async () => {
    const faults = {
      faultBadTicket: '[901] Session expired or Invalid ticket',
      faultBadTicketInfo: '[901] Session expired or Invalid ticket',
      faultNotFound: '[130] Document not found',
      faultFolderNotFound: '[120] Folder not found',
      faultAfterLogout: '[901] Session expired or Invalid ticket',
    };
    for (const [name, text] of Object.entries(faults)) {
      const fault = (await step(name)).fault;
      expect({
        name,
        message: withoutStackTrace(fault?.message ?? ''),
        code: fault?.code,
        actor: fault?.actor,
        subcodes: fault?.subcodes,
        detail: fault?.detail,
      }).toEqual({
        name,
        message: `System.Web.Services.Protocols.SoapException: ${text}`,
        code: expected.faultCode,
        actor: null,
        subcodes: expected.faultSubcodes,
        detail: el(expected.faultDetailTag),
      });
    }
    expect((await step('faultBadTicket')).http[0]?.body).toContain(BAD_TICKET);
  });

  test('an XmlNode operation with a bad ticket answers <root success="false"> instead of a fault', async () => {
    expect(Object.fromEntries(await rootAttrs('xmlNodeBadTicket'))).toEqual(INVALID);
  });

  test('LogOut ends the session: isValidTicket and a typed operation then reject the ticket', async () => {
    const result = await zeepRun();
    expect(await rootAttrs('logout')).toEqual([['success', 'true']]);
    expect((await step('validAfterLogout')).http[0]?.body).toContain(result.ticket);
    expect(Object.fromEntries(await rootAttrs('validAfterLogout'))).toEqual(INVALID);
    expect((await step('faultAfterLogout')).http[0]?.body).toContain(result.ticket);
  });
});
