/**
 * Stub files and handler modules as answerers of operations: the stub file format (matching,
 * templating, results passed through), every load-time refusal, and handler module loading
 * (CommonJS in-process; ES modules in a child process, since jest cannot run a real `import()`).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { ManualClock } from '../src/clock';
import { decodeFormArguments } from '../src/codec/decodeFormArguments';
import { compileEncoder } from '../src/codec/encodeResult';
import { DotNetDateTime, type Arguments } from '../src/codec/values';
import type {
  ArrayType,
  ComplexType,
  EnumType,
  MemberModel,
  OperationModel,
  PrimitiveName,
  PrimitiveType,
  ServiceModel,
  TypeModel,
} from '../src/contract/model';
import { loadWsdl } from '../src/contract/readWsdl';
import { SoapFault, type HandlerContext, type TicketUser } from '../src/services/handlerApi';
import { HandlerModuleError, loadHandlerModule } from '../src/services/handlerModule';
import { argumentText, loadStubFolder, StubFileError, UNHANDLED, type StubSet } from '../src/services/stubs';

// ---------------------------------------------------------------------------------------------
// A service model built by hand, shaped like the reference srv.asmx (srv-full.wsdl).

const TNS = 'http://tempuri.org/';
const prim = (name: PrimitiveName): PrimitiveType => ({ kind: 'primitive', name });
const member = (name: string, type: TypeModel, more: Partial<MemberModel> = {}): MemberModel => ({
  name,
  namespace: TNS,
  type,
  minOccurs: 0,
  maxOccurs: 1,
  nillable: false,
  ...more,
});
const XML_NODE: TypeModel = { kind: 'xmlNode' };
const DocumentStatus: EnumType = {
  kind: 'enum',
  name: 'DocumentStatus',
  namespace: TNS,
  members: ['Draft', 'Published', 'Archived'],
};
const ArrayOfString: ArrayType = {
  kind: 'array',
  name: 'ArrayOfString',
  namespace: TNS,
  item: member('string', prim('string'), { maxOccurs: Infinity, nillable: true }),
};
const ArrayOfInt: ArrayType = {
  kind: 'array',
  name: 'ArrayOfInt',
  namespace: TNS,
  item: member('int', prim('int'), { minOccurs: 1, maxOccurs: Infinity }),
};
const DocumentInfo: ComplexType = {
  kind: 'complex',
  name: 'DocumentInfo',
  namespace: TNS,
  members: [
    member('Id', prim('int'), { minOccurs: 1 }),
    member('Name', prim('string')),
    member('Path', prim('string')),
    member('Size', prim('long'), { minOccurs: 1 }),
    member('Modified', prim('dateTime'), { minOccurs: 1 }),
    member('CheckedOut', prim('boolean'), { minOccurs: 1 }),
    member('Tags', ArrayOfString),
    member('Status', DocumentStatus, { minOccurs: 1 }),
    member('Description', prim('string')),
  ],
};
const ArrayOfDocumentInfo: ArrayType = {
  kind: 'array',
  name: 'ArrayOfDocumentInfo',
  namespace: TNS,
  item: member('DocumentInfo', DocumentInfo, { maxOccurs: Infinity, nillable: true }),
};
const Address: ComplexType = {
  kind: 'complex',
  name: 'Address',
  namespace: TNS,
  members: [member('City', prim('string')), member('Zip', prim('int'), { minOccurs: 1 })],
};
const Customer: ComplexType = {
  kind: 'complex',
  name: 'Customer',
  namespace: TNS,
  members: [
    member('CustomerId', prim('int'), { minOccurs: 1 }),
    member('Name', prim('string')),
    member('Address', Address),
    member('Tags', ArrayOfString),
  ],
};

const ticket = member('authenticationTicket', prim('string'));
const pathParam = member('path', prim('string'));

function operation(
  name: string,
  params: MemberModel[],
  result?: TypeModel,
  resultMore: Partial<MemberModel> = {},
): OperationModel {
  return {
    name,
    documentation: '',
    protocols: new Set(['soap11', 'soap12', 'httpGet', 'httpPost']),
    soapAction: `${TNS}${name}`,
    soap12Action: `${TNS}${name}`,
    requestElement: { namespace: TNS, name },
    responseElement: { namespace: TNS, name: `${name}Response` },
    params,
    result: result === undefined ? undefined : member(`${name}Result`, result, resultMore),
    httpResultElement: undefined,
  };
}

const operations: OperationModel[] = [
  operation('LogOut', [member('AuthenticationTicket', prim('string'))], XML_NODE),
  operation('GetFolderContents', [ticket, pathParam], XML_NODE),
  operation('DeleteDocument', [ticket, pathParam], XML_NODE),
  operation(
    'SearchDocuments',
    [
      ticket,
      member('query', prim('string')),
      member('pageSize', prim('int')),
      member('pageNumber', prim('int')),
    ],
    XML_NODE,
  ),
  operation('SetDocumentTags', [ticket, pathParam, member('tags', ArrayOfString)], XML_NODE),
  operation(
    'SetDocumentExpirationDate',
    [ticket, pathParam, member('expirationDate', prim('dateTime'))],
    XML_NODE,
  ),
  operation('SetDocumentStatus', [ticket, pathParam, member('status', DocumentStatus)], XML_NODE),
  operation(
    'UpdateCustomer',
    [
      ticket,
      member('customer', Customer),
      member('flags', ArrayOfInt),
      member('archived', prim('boolean')),
      member('content', prim('base64Binary')),
      member('quota', prim('long')),
      member('price', prim('decimal')),
      member('ratio', prim('double')),
      member('id', prim('guid')),
    ],
    XML_NODE,
  ),
  operation('SetQuota', [ticket, member('bytes', prim('long'))]),
  operation('GetDocumentInfo', [ticket, pathParam], DocumentInfo),
  operation('GetDocumentInfos', [ticket, pathParam], ArrayOfDocumentInfo),
  operation('GetDocumentNames', [ticket, pathParam], ArrayOfString),
  operation('GetDocumentVersionCount', [ticket, pathParam], prim('int')),
  operation('GetDocumentIds', [ticket], ArrayOfInt),
  operation('IsCheckedOut', [ticket, pathParam], prim('boolean')),
  operation('GetStorageUsed', [ticket], prim('long')),
  operation('GetQuotaFraction', [ticket], prim('double')),
  operation('GetStorageCost', [ticket], prim('decimal')),
  operation('GetServerVersion', [], prim('string')),
  operation('GetServerTime', [], prim('dateTime')),
  operation('GetDocumentGuid', [ticket, pathParam], prim('guid')),
  operation('GetDocumentStatus', [ticket, pathParam], DocumentStatus),
  operation('GetThumbnail', [ticket, pathParam], prim('base64Binary')),
  operation('GetInitial', [ticket], prim('char')),
  operation('Ping', []),
  // int? (nillable="true"), a float parameter and an array of enums, for the null and float rules.
  operation('GetDocumentLimit', [ticket, pathParam], prim('int'), { minOccurs: 1, nillable: true }),
  operation('SetDocumentRatio', [ticket, pathParam, member('ratio', prim('float'))], XML_NODE),
  operation('GetDocumentStatuses', [ticket], {
    kind: 'array',
    name: 'ArrayOfDocumentStatus',
    namespace: TNS,
    item: member('DocumentStatus', DocumentStatus, { minOccurs: 1, maxOccurs: Infinity }),
  }),
];

function serviceOf(ops: OperationModel[]): ServiceModel {
  return {
    name: 'Srv',
    targetNamespace: TNS,
    soapBindingName: 'SrvSoap',
    soap12BindingName: 'SrvSoap12',
    operations: ops,
    byName: new Map(ops.map((o) => [o.name, o])),
    byLowerCaseName: new Map(ops.map((o) => [o.name.toLowerCase(), o])),
    bySoapAction: new Map(ops.map((o) => [o.soapAction, o])),
    bySoap12Action: new Map(ops.map((o) => [o.soap12Action, o])),
    renderWsdl: () => '',
  };
}
const service = serviceOf(operations);

// ---------------------------------------------------------------------------------------------
// Helpers

const JSMITH: TicketUser = { username: 'jsmith', userid: 42, fullname: 'John Smith' };

/** A handler context; `user` null for a request without a ticket. */
function contextFor(operationName: string, user: TicketUser | null = JSMITH): HandlerContext {
  return {
    service: '/srv.asmx',
    operation: operationName,
    transport: 'soap11',
    ticket: user === null ? undefined : '0f8fad5b-d9cb-469f-a165-70867728950e',
    user: user ?? undefined,
    clock: new ManualClock(),
    fault: (message: string): never => {
      throw new SoapFault(message);
    },
    rootError: (message: string) => ({
      name: 'root',
      attributes: [
        ['success', 'false'],
        ['error', message],
      ],
    }),
  };
}

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `asmx-${prefix}-`));
  tempDirs.push(dir);
  return dir;
}

/** Writes a stub folder: file name → JSON value (or raw text when a string is given via `raw`). */
function writeStubs(files: Record<string, unknown>, raw: Record<string, string> = {}): string {
  const dir = tempDir('stubs');
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(path.join(dir, name), JSON.stringify(content, null, 2));
  }
  for (const [name, content] of Object.entries(raw)) writeFileSync(path.join(dir, name), content);
  return dir;
}

function stubs(files: Record<string, unknown>): StubSet {
  return loadStubFolder(writeStubs(files), service);
}

/** Calls an operation's stub answerer. */
function call(
  set: StubSet,
  operationName: string,
  args: Arguments,
  user: TicketUser | null = JSMITH,
): unknown {
  const answerer = set.answerer(operationName);
  if (answerer === undefined) throw new Error(`no stub for ${operationName}`);
  return answerer(args, contextFor(operationName, user));
}

/** The StubFileError thrown by loading these files (fails the test if none is thrown). */
function refusal(files: Record<string, unknown>, raw: Record<string, string> = {}): StubFileError {
  const dir = writeStubs(files, raw);
  try {
    loadStubFolder(dir, service);
  } catch (error) {
    expect(error).toBeInstanceOf(StubFileError);
    return error as StubFileError;
  }
  throw new Error('the stub folder was accepted');
}

/** The one problem of a refused folder, with the folder's path removed. */
function problemOf(files: Record<string, unknown>, raw: Record<string, string> = {}): string {
  const error = refusal(files, raw);
  expect(error.problems).toHaveLength(1);
  return (error.problems[0] as string).replace(/^.*[\\/](?=[^\\/]+\.json: )/, '');
}

function faultOf(fn: () => unknown): SoapFault {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SoapFault);
    return error as SoapFault;
  }
  throw new Error('no fault was thrown');
}

// ---------------------------------------------------------------------------------------------

describe('the three example rules', () => {
  const set = stubs({
    'GetDocumentInfo.json': [
      {
        when: { path: '/Finance/Reports/Q1.pdf' },
        result: { Id: 101, Name: 'Q1.pdf', Tags: ['finance', 'q1'] },
      },
      { when: { path: '/Finance/Budget.xlsx', $user: 'jsmith' }, fault: '[131] Document is checked out' },
    ],
    'GetFolderContents.json': [{ result: '<root success="true" path="{{path}}" />' }],
  });

  test('a result passes the JSON value through', () => {
    expect(
      call(set, 'GetDocumentInfo', { authenticationTicket: 't', path: '/Finance/Reports/Q1.pdf' }),
    ).toEqual({
      Id: 101,
      Name: 'Q1.pdf',
      Tags: ['finance', 'q1'],
    });
  });

  test('a fault is a SoapException with the client fault code', () => {
    const fault = faultOf(() => call(set, 'GetDocumentInfo', { path: '/Finance/Budget.xlsx' }));
    expect(fault.message).toBe('[131] Document is checked out');
    expect(fault.code).toBe('Client');
  });

  test('$user takes part in the match', () => {
    expect(call(set, 'GetDocumentInfo', { path: '/Finance/Budget.xlsx' }, { username: 'other' })).toBe(
      UNHANDLED,
    );
  });

  test('a rule without when matches everything, and templates escape into the XML', () => {
    expect(call(set, 'GetFolderContents', { path: '/Finance' })).toBe(
      '<root success="true" path="/Finance" />',
    );
    expect(call(set, 'GetFolderContents', { path: `a"<&>'b` })).toBe(
      `<root success="true" path="a&quot;&lt;&amp;&gt;'b" />`,
    );
    expect(call(set, 'GetFolderContents', { path: null })).toBe('<root success="true" path="" />');
  });

  test('the set names the operations with a file; others have no answerer', () => {
    expect([...set.operations].sort()).toEqual(['GetDocumentInfo', 'GetFolderContents']);
    expect(set.answerer('Ping')).toBeUndefined();
  });

  test('no rule matching is UNHANDLED, not null', () => {
    expect(call(set, 'GetDocumentInfo', { path: '/nowhere' })).toBe(UNHANDLED);
  });
});

describe('matching', () => {
  test('rules are tried in order; the first match answers', () => {
    const set = stubs({
      'GetDocumentVersionCount.json': [
        { when: { path: '/a' }, result: 1 },
        { when: { path: '/a' }, result: 2 },
        { result: 3 },
        { when: { path: '/b' }, result: 4 },
      ],
    });
    expect(call(set, 'GetDocumentVersionCount', { path: '/a' })).toBe(1);
    expect(call(set, 'GetDocumentVersionCount', { path: '/b' })).toBe(3);
  });

  test('strings match exactly (case and spaces count)', () => {
    const set = stubs({ 'GetDocumentVersionCount.json': [{ when: { path: '/Finance' }, result: 1 }] });
    expect(call(set, 'GetDocumentVersionCount', { path: '/Finance' })).toBe(1);
    expect(call(set, 'GetDocumentVersionCount', { path: '/finance' })).toBe(UNHANDLED);
    expect(call(set, 'GetDocumentVersionCount', { path: '/Finance ' })).toBe(UNHANDLED);
  });

  test('$user: the user name of the ticket; null matches no user', () => {
    const set = stubs({
      'GetDocumentVersionCount.json': [
        { when: { $user: 'jsmith' }, result: 1 },
        { when: { $user: null }, result: 2 },
        { result: 3 },
      ],
    });
    expect(call(set, 'GetDocumentVersionCount', {}, JSMITH)).toBe(1);
    expect(call(set, 'GetDocumentVersionCount', {}, null)).toBe(2);
    expect(call(set, 'GetDocumentVersionCount', {}, { username: 'JSMITH' })).toBe(3);
  });

  test('numbers compare as their canonical text, given as a number or a string', () => {
    const set = stubs({
      'SearchDocuments.json': [
        { when: { pageSize: 10, pageNumber: '2' }, result: '<a/>' },
        { when: { pageSize: '+010' }, result: '<b/>' },
      ],
    });
    expect(call(set, 'SearchDocuments', { pageSize: 10, pageNumber: 2 })).toBe('<a/>');
    expect(call(set, 'SearchDocuments', { pageSize: 10, pageNumber: 3 })).toBe('<b/>');
    expect(call(set, 'SearchDocuments', { pageSize: 11, pageNumber: 2 })).toBe(UNHANDLED);
  });

  test('long (bigint), decimal (text, scale kept), double, boolean, guid and base64Binary arguments', () => {
    const set = stubs({
      'UpdateCustomer.json': [
        { when: { quota: '9007199254740993' }, result: '<long/>' },
        { when: { price: '1234.50' }, result: '<decimal/>' },
        { when: { ratio: 0.5 }, result: '<double/>' },
        { when: { archived: true }, result: '<bool/>' },
        { when: { archived: 'false' }, result: '<boolString/>' },
        { when: { id: '0F8FAD5B-D9CB-469F-A165-70867728950E' }, result: '<guid/>' },
        { when: { content: 'aGVsbG8=' }, result: '<bytes/>' },
      ],
    });
    const update = (args: Arguments) => call(set, 'UpdateCustomer', args);
    expect(update({ quota: 9007199254740993n })).toBe('<long/>');
    expect(update({ quota: 9007199254740992n })).toBe(UNHANDLED);
    expect(update({ price: '1234.50' })).toBe('<decimal/>');
    expect(update({ price: '1234.5' })).toBe(UNHANDLED);
    expect(update({ ratio: 0.5 })).toBe('<double/>');
    expect(update({ archived: true })).toBe('<bool/>');
    expect(update({ archived: false })).toBe('<boolString/>');
    expect(update({ id: '0f8fad5b-d9cb-469f-a165-70867728950e' })).toBe('<guid/>');
    expect(update({ content: Buffer.from('hello') })).toBe('<bytes/>');
    expect(update({ content: Buffer.from('hellO') })).toBe(UNHANDLED);
  });

  test('floats compare as singles, doubles as doubles, whatever transport decoded them', () => {
    const set = stubs({
      'SetDocumentRatio.json': [
        { when: { ratio: 0.1 }, result: '<tenth/>' },
        { when: { ratio: '1E+30' }, result: '<big/>' },
        { when: { ratio: 'INF' }, result: '<inf/>' },
        { when: { ratio: 'NaN' }, result: '<nan/>' },
      ],
      'UpdateCustomer.json': [{ when: { ratio: 0.1 }, result: '<double/>' }],
    });
    const ratio = operations.find((o) => o.name === 'SetDocumentRatio') as OperationModel;
    /** The arguments ASMX's GET/POST reader gives for this ratio text. */
    const sent = (text: string): Arguments => {
      const decoded = decodeFormArguments(ratio, [
        ['authenticationTicket', 't'],
        ['path', '/a'],
        ['ratio', text],
      ]);
      if (!('args' in decoded)) throw new Error(`ratio=${text} was refused`);
      return decoded.args;
    };
    expect(sent('0.1').ratio).toBe(Math.fround(0.1));
    expect(call(set, 'SetDocumentRatio', sent('0.1'))).toBe('<tenth/>');
    expect(call(set, 'SetDocumentRatio', sent('0.10'))).toBe('<tenth/>');
    expect(call(set, 'SetDocumentRatio', { ratio: Math.fround(0.1) })).toBe('<tenth/>');
    expect(call(set, 'SetDocumentRatio', { ratio: Math.fround(0.2) })).toBe(UNHANDLED);
    expect(call(set, 'SetDocumentRatio', sent('1E+30'))).toBe('<big/>');
    expect(call(set, 'SetDocumentRatio', { ratio: Infinity })).toBe('<inf/>');
    expect(call(set, 'SetDocumentRatio', { ratio: NaN })).toBe('<nan/>');
    expect(call(set, 'SetDocumentRatio', { ratio: null })).toBe(UNHANDLED);
    // A double is compared as a double: the single nearest 0.1 is another number.
    expect(call(set, 'UpdateCustomer', { ratio: 0.1 })).toBe('<double/>');
    expect(call(set, 'UpdateCustomer', { ratio: Math.fround(0.1) })).toBe(UNHANDLED);
  });

  test('enums compare by member name', () => {
    const set = stubs({ 'SetDocumentStatus.json': [{ when: { status: 'Published' }, result: '<root />' }] });
    expect(call(set, 'SetDocumentStatus', { status: 'Published' })).toBe('<root />');
    expect(call(set, 'SetDocumentStatus', { status: 'Draft' })).toBe(UNHANDLED);
  });

  test('arrays compare element by element, null items included', () => {
    const set = stubs({
      'SetDocumentTags.json': [
        { when: { tags: ['finance', 'q1'] }, result: '<a/>' },
        { when: { tags: ['x', null] }, result: '<b/>' },
        { when: { tags: [] }, result: '<empty/>' },
        { when: { tags: null }, result: '<none/>' },
      ],
    });
    expect(call(set, 'SetDocumentTags', { tags: ['finance', 'q1'] })).toBe('<a/>');
    expect(call(set, 'SetDocumentTags', { tags: ['q1', 'finance'] })).toBe(UNHANDLED);
    expect(call(set, 'SetDocumentTags', { tags: ['finance', 'q1', 'more'] })).toBe(UNHANDLED);
    expect(call(set, 'SetDocumentTags', { tags: ['x', null] })).toBe('<b/>');
    expect(call(set, 'SetDocumentTags', { tags: [] })).toBe('<empty/>');
    expect(call(set, 'SetDocumentTags', { tags: null })).toBe('<none/>');
    expect(call(set, 'SetDocumentTags', {})).toBe('<none/>');
  });

  test('arrays of numbers compare item by item as canonical text', () => {
    const set = stubs({ 'UpdateCustomer.json': [{ when: { flags: [1, '2'] }, result: '<a/>' }] });
    expect(call(set, 'UpdateCustomer', { flags: [1, 2] })).toBe('<a/>');
    expect(call(set, 'UpdateCustomer', { flags: [1] })).toBe(UNHANDLED);
  });

  test('DateTime compares as the text the client sent, else its .NET form', () => {
    const set = stubs({
      'SetDocumentExpirationDate.json': [
        { when: { expirationDate: '2026-12-31T00:00:00Z' }, result: '<sent/>' },
        { when: { expirationDate: '2027-01-15T09:30:00' }, result: '<unspecified/>' },
      ],
    });
    const ticks = (iso: string) => 621355968000000000n + BigInt(Date.parse(iso)) * 10000n;
    const sent = new DotNetDateTime(ticks('2026-12-31T00:00:00Z'), 'Utc', '2026-12-31T00:00:00Z');
    const sentOtherwise = new DotNetDateTime(
      ticks('2026-12-31T00:00:00Z'),
      'Utc',
      '2026-12-31T00:00:00.000Z',
    );
    const unsent = new DotNetDateTime(ticks('2027-01-15T09:30:00Z'), 'Unspecified');
    expect(call(set, 'SetDocumentExpirationDate', { expirationDate: sent })).toBe('<sent/>');
    expect(call(set, 'SetDocumentExpirationDate', { expirationDate: sentOtherwise })).toBe(UNHANDLED);
    expect(call(set, 'SetDocumentExpirationDate', { expirationDate: unsent })).toBe('<unspecified/>');
  });

  test('DateTime: any text is accepted, and matches when the client sent exactly that text', () => {
    const set = stubs({
      'SetDocumentExpirationDate.json': [
        { when: { expirationDate: '2026-12-31' }, result: '<date/>' },
        { when: { expirationDate: '12/31/2026 10:00' }, result: '<us/>' },
        { when: { expirationDate: 'Thu, 31 Dec 2026 10:00:00 GMT' }, result: '<rfc1123/>' },
      ],
    });
    const expiration = operations.find((o) => o.name === 'SetDocumentExpirationDate') as OperationModel;
    /** The arguments ASMX's GET/POST reader (DateTime.Parse) gives for this text. */
    const sent = (text: string): Arguments => {
      const decoded = decodeFormArguments(expiration, [
        ['authenticationTicket', 't'],
        ['path', '/a'],
        ['expirationDate', text],
      ]);
      if (!('args' in decoded)) throw new Error(`expirationDate=${text} was refused`);
      return decoded.args;
    };
    const call2 = (text: string) => call(set, 'SetDocumentExpirationDate', sent(text));
    expect(call2('2026-12-31')).toBe('<date/>');
    expect(call2('12/31/2026 10:00')).toBe('<us/>');
    expect(call2('Thu, 31 Dec 2026 10:00:00 GMT')).toBe('<rfc1123/>');
    // The same instant sent in another form is another text.
    expect(call2('2026-12-31T00:00:00')).toBe(UNHANDLED);
    expect(call2('12/31/2026 10:00:00')).toBe(UNHANDLED);
  });

  test('dotted paths reach members of complex arguments; null matches absent or nil', () => {
    const set = stubs({
      'UpdateCustomer.json': [
        { when: { 'customer.CustomerId': 7, 'customer.Address.City': 'Oslo' }, result: '<oslo/>' },
        { when: { 'customer.CustomerId': 7 }, result: '<seven/>' },
        { when: { customer: null }, result: '<noCustomer/>' },
        { when: { 'customer.Address': null }, result: '<noAddress/>' },
        { when: { 'customer.Tags': ['vip'] }, result: '<vip/>' },
      ],
    });
    const update = (customer: unknown) => call(set, 'UpdateCustomer', { customer });
    expect(update({ CustomerId: 7, Address: { City: 'Oslo', Zip: 150 } })).toBe('<oslo/>');
    expect(update({ CustomerId: 7, Address: { City: 'Bergen', Zip: 5003 } })).toBe('<seven/>');
    expect(update({ CustomerId: 7 })).toBe('<seven/>');
    expect(update(null)).toBe('<noCustomer/>');
    expect(call(set, 'UpdateCustomer', {})).toBe('<noCustomer/>');
    expect(update({ CustomerId: 8, Address: null })).toBe('<noAddress/>');
    expect(update({ CustomerId: 8 })).toBe('<noAddress/>');
    expect(update({ CustomerId: 8, Address: { City: 'x', Zip: 1 }, Tags: ['vip'] })).toBe('<vip/>');
    expect(update({ CustomerId: 8, Address: { City: 'x', Zip: 1 }, Tags: ['other'] })).toBe(UNHANDLED);
  });

  test('a member named like an Object.prototype property is read from the arguments only', () => {
    const ops = [operation('Odd', [ticket, member('constructor', prim('string'))], XML_NODE)];
    const dir = writeStubs({ 'Odd.json': [{ when: { constructor: null }, result: '<absent/>' }] });
    const set = loadStubFolder(dir, serviceOf(ops));
    expect(call(set, 'Odd', {})).toBe('<absent/>');
  });

  test('an empty file answers nothing', () => {
    const set = stubs({ 'GetDocumentVersionCount.json': [] });
    expect(set.operations.has('GetDocumentVersionCount')).toBe(true);
    expect(call(set, 'GetDocumentVersionCount', {})).toBe(UNHANDLED);
  });
});

describe('results', () => {
  test('typed results pass through verbatim: numbers, strings, booleans, enums, base64, dates', () => {
    const set = stubs({
      'GetDocumentVersionCount.json': [{ result: 7 }],
      'GetStorageUsed.json': [{ when: { $user: 'big' }, result: '9007199254740993' }, { result: 48213 }],
      'GetQuotaFraction.json': [{ when: { $user: 'text' }, result: '0.33333333333333331' }, { result: 0.25 }],
      'GetStorageCost.json': [{ when: { $user: 'number' }, result: 12.5 }, { result: '1234.50' }],
      'IsCheckedOut.json': [{ result: true }],
      'GetServerTime.json': [{ result: '2026-01-15T09:30:00Z' }],
      'GetDocumentGuid.json': [{ result: '0f8fad5b-d9cb-469f-a165-70867728950e' }],
      'GetDocumentStatus.json': [{ result: 'Archived' }],
      'GetThumbnail.json': [{ result: 'aGVsbG8=' }],
      'GetInitial.json': [{ result: 74 }],
      'GetDocumentNames.json': [{ result: ['Q1.pdf', null, ''] }],
      'GetDocumentIds.json': [{ result: [101, '102'] }],
    });
    expect(call(set, 'GetDocumentVersionCount', {})).toBe(7);
    expect(call(set, 'GetStorageUsed', {}, { username: 'big' })).toBe('9007199254740993');
    expect(call(set, 'GetStorageUsed', {})).toBe(48213);
    expect(call(set, 'GetQuotaFraction', {}, { username: 'text' })).toBe('0.33333333333333331');
    expect(call(set, 'GetQuotaFraction', {})).toBe(0.25);
    expect(call(set, 'GetStorageCost', {}, { username: 'number' })).toBe(12.5);
    expect(call(set, 'GetStorageCost', {})).toBe('1234.50');
    expect(call(set, 'IsCheckedOut', {})).toBe(true);
    expect(call(set, 'GetServerTime', {}, null)).toBe('2026-01-15T09:30:00Z');
    expect(call(set, 'GetDocumentGuid', {})).toBe('0f8fad5b-d9cb-469f-a165-70867728950e');
    expect(call(set, 'GetDocumentStatus', {})).toBe('Archived');
    expect(call(set, 'GetThumbnail', {})).toBe('aGVsbG8=');
    expect(call(set, 'GetInitial', {})).toBe(74);
    expect(call(set, 'GetDocumentNames', {})).toEqual(['Q1.pdf', null, '']);
    expect(call(set, 'GetDocumentIds', {})).toEqual([101, '102']);
  });

  test('complex results keep the JSON (member order is the encoder’s business); null and [] stay', () => {
    const info = {
      Status: 'Published',
      Id: 101,
      Description: null,
      Tags: [],
      Size: '48213',
      Modified: '2026-01-15T09:30:00Z',
      CheckedOut: false,
      Name: '',
    };
    const set = stubs({
      'GetDocumentInfo.json': [{ result: info }],
      'GetDocumentInfos.json': [{ result: [info, null] }],
    });
    expect(call(set, 'GetDocumentInfo', {})).toEqual(info);
    expect(Object.keys(call(set, 'GetDocumentInfo', {}) as object)).toEqual(Object.keys(info));
    expect(call(set, 'GetDocumentInfos', {})).toEqual([info, null]);
  });

  test('null members of any type and null items of any array are accepted, left out and xsi:nil', () => {
    const set = stubs({
      'GetDocumentInfo.json': [
        {
          result: {
            Id: null,
            Name: 'a',
            Size: null,
            Modified: null,
            CheckedOut: null,
            Status: null,
            Tags: ['t', null],
          },
        },
      ],
      'GetDocumentIds.json': [{ result: [1, null, 2] }],
      'GetDocumentStatuses.json': [{ result: ['Draft', null] }],
    });
    const soap = (name: string) =>
      compileEncoder(operations.find((o) => o.name === name) as OperationModel).soapBody(call(set, name, {}));
    expect(soap('GetDocumentInfo')).toBe(
      '<GetDocumentInfoResponse xmlns="http://tempuri.org/"><GetDocumentInfoResult><Name>a</Name>' +
        '<Tags><string>t</string><string xsi:nil="true" /></Tags></GetDocumentInfoResult></GetDocumentInfoResponse>',
    );
    // The items of ArrayOfInt and of an array of enums are not nillable; a null item is xsi:nil all the same.
    expect(soap('GetDocumentIds')).toBe(
      '<GetDocumentIdsResponse xmlns="http://tempuri.org/"><GetDocumentIdsResult>' +
        '<int>1</int><int xsi:nil="true" /><int>2</int></GetDocumentIdsResult></GetDocumentIdsResponse>',
    );
    expect(soap('GetDocumentStatuses')).toBe(
      '<GetDocumentStatusesResponse xmlns="http://tempuri.org/"><GetDocumentStatusesResult>' +
        '<DocumentStatus>Draft</DocumentStatus><DocumentStatus xsi:nil="true" />' +
        '</GetDocumentStatusesResult></GetDocumentStatusesResponse>',
    );
  });

  test('"result": null is accepted for every reference type, and encoded as XmlSerializer writes the null', () => {
    const set = stubs({
      'GetServerVersion.json': [{ result: null }],
      'GetThumbnail.json': [{ result: null }],
      'GetDocumentNames.json': [{ result: null }],
      'GetDocumentInfo.json': [{ result: null }],
      'GetFolderContents.json': [{ result: null }],
      'GetDocumentLimit.json': [{ result: null }],
    });
    for (const name of [...set.operations]) expect(call(set, name, {})).toBeNull();
    const limit = operations.find((o) => o.name === 'GetDocumentLimit') as OperationModel;
    expect(compileEncoder(limit).soapBody(call(set, 'GetDocumentLimit', {}))).toBe(
      '<GetDocumentLimitResponse xmlns="http://tempuri.org/"><GetDocumentLimitResult xsi:nil="true" /></GetDocumentLimitResponse>',
    );
  });

  test('a constant result is frozen, so no caller can change the next answer', () => {
    const set = stubs({ 'GetDocumentInfo.json': [{ result: { Id: 1, Tags: ['a'] } }] });
    const first = call(set, 'GetDocumentInfo', {}) as { Tags: string[] };
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first.Tags)).toBe(true);
  });

  test('"result": null returns null for a reference type or a nillable value type; a void operation returns undefined', () => {
    const set = stubs({
      'GetDocumentInfo.json': [{ result: null }],
      'GetDocumentLimit.json': [{ result: null }],
      'Ping.json': [{}],
      'SetQuota.json': [{ when: { bytes: 0 }, fault: 'zero' }, { result: null }],
    });
    expect(call(set, 'GetDocumentInfo', {})).toBeNull();
    expect(call(set, 'GetDocumentLimit', {})).toBeNull();
    expect(call(set, 'Ping', {}, null)).toBeUndefined();
    expect(call(set, 'SetQuota', { bytes: 5n })).toBeUndefined();
    expect(faultOf(() => call(set, 'SetQuota', { bytes: 0n })).message).toBe('zero');
  });
});

describe('templating', () => {
  test('XmlNode strings: every argument kind, escaped with escapeAttribute in text and attributes', () => {
    const set = stubs({
      'UpdateCustomer.json': [
        {
          result:
            '<root id="{{customer.CustomerId}}" city="{{customer.Address.City}}" tags="{{customer.Tags}}" ' +
            'flags="{{flags}}" archived="{{archived}}" quota="{{quota}}" content="{{content}}" user="{{$user}}">' +
            '{{customer.Name}}</root>',
        },
      ],
    });
    const result = call(set, 'UpdateCustomer', {
      customer: {
        CustomerId: 7,
        Name: 'R&D <team> "x"',
        Address: { City: 'Tromsø', Zip: 9008 },
        Tags: ['a', null, 'b'],
      },
      flags: [1, 2, 3],
      archived: false,
      quota: 9007199254740993n,
      content: Buffer.from('hi'),
    });
    expect(result).toBe(
      '<root id="7" city="Tromsø" tags="a,,b" flags="1,2,3" archived="false" quota="9007199254740993" ' +
        'content="aGk=" user="jsmith">R&amp;D &lt;team&gt; &quot;x&quot;</root>',
    );
  });

  test('DateTime placeholders give the text the client sent, else the .NET form', () => {
    const set = stubs({
      'SetDocumentExpirationDate.json': [{ result: '<root date="{{expirationDate}}" />' }],
    });
    const date = new DotNetDateTime(639036000000000000n, 'Utc', '2026-01-01T00:00:00.000Z');
    expect(call(set, 'SetDocumentExpirationDate', { expirationDate: date })).toBe(
      '<root date="2026-01-01T00:00:00.000Z" />',
    );
    const unsent = new DotNetDateTime(639036000000000000n, 'Utc');
    expect(call(set, 'SetDocumentExpirationDate', { expirationDate: unsent })).toBe(
      `<root date="${unsent.toString()}" />`,
    );
  });

  test('typed results: placeholders in string members, recursively, are inserted raw', () => {
    const set = stubs({
      'GetDocumentInfo.json': [
        {
          result: {
            Id: 1,
            Name: '{{path}}',
            Path: 'in {{path}} for {{$user}}',
            Tags: ['{{$user}}', 'fixed'],
          },
        },
      ],
      'GetDocumentInfos.json': [{ result: [{ Id: 1, Description: '<{{path}}>' }] }],
      'GetDocumentNames.json': [{ result: ['{{path}}', null] }],
    });
    const hostile = `a"<&>'b`;
    expect(call(set, 'GetDocumentInfo', { path: hostile })).toEqual({
      Id: 1,
      Name: hostile,
      Path: `in ${hostile} for jsmith`,
      Tags: ['jsmith', 'fixed'],
    });
    expect(call(set, 'GetDocumentInfos', { path: hostile })).toEqual([
      { Id: 1, Description: `<${hostile}>` },
    ]);
    expect(call(set, 'GetDocumentNames', { path: '/x' })).toEqual(['/x', null]);
  });

  test('a templated result is built anew for each call', () => {
    const set = stubs({ 'GetDocumentInfo.json': [{ result: { Id: 1, Name: '{{path}}', Tags: ['fixed'] } }] });
    expect(call(set, 'GetDocumentInfo', { path: '/a' })).toEqual({ Id: 1, Name: '/a', Tags: ['fixed'] });
    expect(call(set, 'GetDocumentInfo', { path: '/b' })).toEqual({ Id: 1, Name: '/b', Tags: ['fixed'] });
  });

  test('fault messages are templated too (raw: the fault writer escapes them)', () => {
    const set = stubs({ 'DeleteDocument.json': [{ fault: '[130] Document not found: {{path}}' }] });
    expect(faultOf(() => call(set, 'DeleteDocument', { path: '/a&b' })).message).toBe(
      '[130] Document not found: /a&b',
    );
  });

  test('text without placeholders, and lone braces, stay as written', () => {
    const set = stubs({
      'GetServerVersion.json': [{ result: 'v{1} }} {{x' }],
      'GetFolderContents.json': [{ result: '<root a="{{{path}}}">{not}}</root>' }],
    });
    expect(call(set, 'GetServerVersion', {}, null)).toBe('v{1} }} {{x');
    expect(call(set, 'GetFolderContents', { path: '/p' })).toBe('<root a="{/p}">{not}}</root>');
  });

  test('argumentText: the text of each kind of argument', () => {
    expect(argumentText(null)).toBe('');
    expect(argumentText(undefined)).toBe('');
    expect(argumentText('x')).toBe('x');
    expect(argumentText(10)).toBe('10');
    expect(argumentText(true)).toBe('true');
    expect(argumentText(12n)).toBe('12');
    expect(argumentText(['a', null, 3])).toBe('a,,3');
    expect(argumentText(Buffer.from([0xff]))).toBe('/w==');
    expect(argumentText(new DotNetDateTime(0n, 'Unspecified', '0001-01-01T00:00:00'))).toBe(
      '0001-01-01T00:00:00',
    );
    expect(argumentText(DotNetDateTime.MIN)).toBe('0001-01-01T00:00:00');
  });
});

describe('load-time refusals name the file and the rule, and say what is allowed', () => {
  test('a file whose name is not an operation, with a hint for a case-only difference', () => {
    expect(problemOf({ 'GetDocument.json': [] })).toMatch(
      /^GetDocument\.json: "GetDocument" is not an operation of Srv; a stub file is named <Operation>\.json with one of: LogOut, GetFolderContents, /,
    );
    expect(problemOf({ 'getDocumentInfo.json': [] })).toBe(
      'getDocumentInfo.json: "getDocumentInfo" is not an operation of Srv; a stub file is named <Operation>.json ' +
        'with the operation\'s exact name (did you mean "GetDocumentInfo.json"? names are case-sensitive)',
    );
  });

  test('an upper-case .JSON extension is refused; other files are ignored', () => {
    const error = refusal({}, { 'Ping.JSON': '[]', 'README.md': '# stubs', '.gitkeep': '' });
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(/Ping\.JSON: a stub file's name ends in "\.json" \(lower case\)$/);
  });

  test('not JSON, or not an array', () => {
    expect(problemOf({}, { 'Ping.json': '[{ "result": }]' })).toMatch(/^Ping\.json: not valid JSON: /);
    expect(problemOf({ 'Ping.json': { result: 1 } })).toBe(
      'Ping.json: must hold a JSON array of rules ([{ "when": { … }, "result": … }, …]), found an object',
    );
  });

  test('a byte order mark is allowed', () => {
    const set = loadStubFolder(writeStubs({}, { 'Ping.json': '\uFEFF[{}]' }), service);
    expect(set.operations.has('Ping')).toBe(true);
  });

  test('a rule that is not an object, unknown keys, a fault that is not a string, a when that is not an object', () => {
    expect(problemOf({ 'Ping.json': [{}, 'x'] })).toBe(
      'Ping.json: rule [1]: a rule must be an object such as { "when": { … }, "result": … }, found a string ("x")',
    );
    expect(problemOf({ 'GetDocumentVersionCount.json': [{ Result: 1 }] })).toBe(
      'GetDocumentVersionCount.json: rule [0]: unknown key "Result"; a rule has "when" (optional), and "result" or "fault"' +
        ' (did you mean "result"? names are case-sensitive)',
    );
    expect(problemOf({ 'Ping.json': [{ fault: 131 }] })).toBe(
      'Ping.json: rule [0]: "fault" must be a string (the SoapException message), found a number (131)',
    );
    expect(problemOf({ 'Ping.json': [{ when: ['path'] }] })).toBe(
      'Ping.json: rule [0]: "when" must be an object of parameter name → expected value, found an array',
    );
  });

  test('both result and fault; neither on a non-void operation', () => {
    expect(problemOf({ 'GetDocumentVersionCount.json': [{ result: 1, fault: 'x' }] })).toBe(
      'GetDocumentVersionCount.json: rule [0]: has both "result" and "fault"; a rule answers with one of them',
    );
    expect(problemOf({ 'GetDocumentVersionCount.json': [{ result: 1 }, { when: { path: '/a' } }] })).toBe(
      'GetDocumentVersionCount.json: rule [1]: has neither "result" nor "fault"; GetDocumentVersionCount returns int, ' +
        'so a rule gives a "result" or a "fault"',
    );
    // Where null is a result, the message says so.
    expect(problemOf({ 'GetDocumentNames.json': [{ when: { path: '/a' } }] })).toBe(
      'GetDocumentNames.json: rule [0]: has neither "result" nor "fault"; GetDocumentNames returns ArrayOfString ' +
        '(an array of string), so a rule gives a "result" ("result": null returns null) or a "fault"',
    );
  });

  test('a result on a void operation', () => {
    expect(problemOf({ 'Ping.json': [{ result: true }] })).toBe(
      'Ping.json: rule [0]: has a "result", but Ping returns void; leave "result" out (or null), or give a "fault"',
    );
  });

  test('when names that are not parameters, with hints', () => {
    expect(problemOf({ 'GetDocumentVersionCount.json': [{ when: { Path: '/a' }, result: 1 }] })).toBe(
      'GetDocumentVersionCount.json: rule [0]: when: "Path" is not a parameter of GetDocumentVersionCount; ' +
        'its parameters are "authenticationTicket", "path" (and "$user", the user of the ticket)' +
        ' (did you mean "path"? names are case-sensitive)',
    );
  });

  test('dotted paths: unknown members, and paths through values that are not complex', () => {
    expect(
      problemOf({ 'UpdateCustomer.json': [{ when: { 'customer.Adress.City': 'x' }, result: '<a/>' }] }),
    ).toBe(
      'UpdateCustomer.json: rule [0]: when: "customer.Adress.City" (at "Adress"): Customer has no member "Adress"; ' +
        'its members are "CustomerId", "Name", "Address", "Tags"',
    );
    expect(
      problemOf({ 'UpdateCustomer.json': [{ when: { 'customer.Tags.length': 1 }, result: '<a/>' }] }),
    ).toBe(
      'UpdateCustomer.json: rule [0]: when: "customer.Tags.length": customer.Tags is ArrayOfString (an array of string), ' +
        'not a complex type; a dotted path goes through members of complex types only',
    );
    expect(problemOf({ 'GetDocumentVersionCount.json': [{ when: { 'path.x': 1 }, result: 1 }] })).toContain(
      '"path.x": path is string, not a complex type',
    );
  });

  test('a wrong-case $user gets a hint', () => {
    expect(
      problemOf({ 'GetDocumentVersionCount.json': [{ when: { $User: 'jsmith' }, result: 1 }] }),
    ).toContain('(did you mean "$user"? names are case-sensitive)');
  });

  test('$user on an operation without a ticket', () => {
    expect(problemOf({ 'GetServerVersion.json': [{ when: { $user: 'jsmith' }, result: 'v' }] })).toBe(
      'GetServerVersion.json: rule [0]: when: "$user" is the user of the request\'s ticket, but GetServerVersion has no ' +
        'authenticationTicket parameter, so its requests carry no ticket and no user',
    );
  });

  test('when values that can never match', () => {
    const problem = (when: Record<string, unknown>, file = 'UpdateCustomer.json') =>
      problemOf({ [file]: [{ when, result: '<a/>' }] });
    expect(problem({ 'customer.CustomerId': 'seven' })).toBe(
      'UpdateCustomer.json: rule [0]: when: "customer.CustomerId" (int): expected an integer from -2147483648 to ' +
        '2147483647, as a number or as a string of digits, found a string ("seven")',
    );
    expect(problem({ 'customer.CustomerId': 2147483648 })).toContain('out of range for int');
    // As a stub author writes it: the JSON number has lost its last digit once parsed.
    expect(
      problemOf(
        {},
        { 'UpdateCustomer.json': '[{ "when": { "quota": 9007199254740993 }, "result": "<a/>" }]' },
      ),
    ).toContain(
      '"quota" (long): expected an integer from -9223372036854775808 to 9223372036854775807, as a number or as a string of digits; 9007199254740992 is beyond 2^53',
    );
    expect(problem({ archived: 'yes' })).toBe(
      'UpdateCustomer.json: rule [0]: when: "archived" (boolean): expected true or false, found a string ("yes")',
    );
    expect(problem({ 'customer.Name': 7 })).toBe(
      'UpdateCustomer.json: rule [0]: when: "customer.Name" (string): expected a string, found a number (7)',
    );
    expect(problem({ customer: { CustomerId: 7 } })).toContain(
      'when: "customer" (Customer (an object with members CustomerId, Name, Address, Tags)): ' +
        'a complex value is matched member by member, with dotted paths ("customer.CustomerId": …), or as a whole ' +
        'with null, found an object',
    );
    expect(problem({ flags: [1, 'two'] })).toContain(
      'when: "flags" (ArrayOfInt (an array of int)): item [1]: expected an integer',
    );
    expect(problem({ flags: 1 })).toContain(
      'expected a JSON array (compared element by element) or null, found a number (1)',
    );
    expect(problem({ id: 'not-a-guid' })).toContain('expected a guid');
    expect(problem({ content: 'not base64!' })).toContain('expected base64 text');
    expect(problem({ $user: 42 })).toContain(
      '"$user" (the user name): expected the user name as a string, or null',
    );
    expect(problem({ status: 'published' }, 'SetDocumentStatus.json')).toBe(
      'SetDocumentStatus.json: rule [0]: when: "status" (DocumentStatus (an enum: Draft, Published, Archived)): ' +
        'expected the name of a member: "Draft", "Published", "Archived" (did you mean "Published"? names are ' +
        'case-sensitive), found a string ("published")',
    );
    expect(problem({ expirationDate: 20260101 }, 'SetDocumentExpirationDate.json')).toContain(
      'expected a dateTime as a string',
    );
  });

  test('result shapes that cannot be the WSDL type', () => {
    const result = (file: string, value: unknown) => problemOf({ [file]: [{ result: value }] });
    expect(result('GetDocumentInfo.json', 'Q1.pdf')).toBe(
      'GetDocumentInfo.json: rule [0]: result: expected a JSON object for DocumentInfo (an object with members Id, Name, ' +
        'Path, Size, Modified, CheckedOut, Tags, Status, Description), found a string ("Q1.pdf")',
    );
    expect(result('GetDocumentVersionCount.json', { value: 1 })).toBe(
      'GetDocumentVersionCount.json: rule [0]: result: expected an integer from -2147483648 to 2147483647, as a number ' +
        'or as a string of digits for int, found an object',
    );
    expect(result('GetDocumentVersionCount.json', 'seven')).toContain('for int, found a string ("seven")');
    expect(result('GetDocumentVersionCount.json', 1.5)).toContain('expected an integer');
    expect(result('GetDocumentVersionCount.json', [1])).toContain('found an array');
    expect(result('GetDocumentVersionCount.json', '{{path}}')).toContain(
      'found a string ("{{path}}") ({{…}} placeholders are filled in string and XmlNode values only)',
    );
    expect(problemOf({}, { 'GetStorageUsed.json': '[{ "result": 9007199254740993 }]' })).toContain(
      'beyond 2^53, where a JSON number has already lost digits: write it as a string ("9007199254740993")',
    );
    expect(result('GetDocumentStatus.json', 'Deleted')).toBe(
      'GetDocumentStatus.json: rule [0]: result: expected the name of a member: "Draft", "Published", "Archived" for ' +
        'DocumentStatus (an enum: Draft, Published, Archived), found a string ("Deleted")',
    );
    expect(result('IsCheckedOut.json', 'true')).toContain(
      'expected true or false (a JSON boolean, not a string)',
    );
    expect(result('GetQuotaFraction.json', 'a third')).toContain(
      'expected a number, or a string holding a double',
    );
    expect(result('GetStorageCost.json', '1E+3')).toContain('expected a decimal as a string');
    expect(result('GetServerTime.json', 'yesterday')).toContain('expected a dateTime as a string');
    expect(result('GetDocumentGuid.json', '{0f8fad5b}')).toContain('expected a guid');
    expect(result('GetThumbnail.json', 'a b')).toContain('expected base64 text');
    expect(result('GetInitial.json', 'J')).toContain('for char');
    expect(result('GetDocumentNames.json', 'Q1.pdf')).toContain('expected a JSON array for ArrayOfString');
    expect(result('GetServerVersion.json', 42)).toContain(
      'expected a string for string, found a number (42)',
    );
  });

  test('"result": null on a value type that is not nillable: .NET has no such null', () => {
    const nullResult = (file: string) =>
      problemOf({ [file]: [{ when: { path: '/a' }, result: 1 }, { result: null }] });
    expect(problemOf({ 'GetDocumentVersionCount.json': [{ result: null }] })).toBe(
      'GetDocumentVersionCount.json: rule [0]: result: null is not possible: GetDocumentVersionCount returns int, ' +
        'a .NET value type, which has no null (only a result the WSDL declares nillable="true", such as an int?, ' +
        'can be null); write a value instead, e.g. "result": 0 (the .NET default), or a "fault"',
    );
    expect(nullResult('GetDocumentVersionCount.json')).toMatch(
      /^GetDocumentVersionCount\.json: rule \[1\]: result: /,
    );
    const expectations: Record<string, string> = {
      'GetStorageUsed.json': 'returns long, a .NET value type, which has no null',
      'IsCheckedOut.json': '"result": false (the .NET default)',
      'GetQuotaFraction.json': 'returns double, a .NET value type',
      'GetStorageCost.json': 'returns decimal, a .NET value type',
      'GetServerTime.json': '"result": "0001-01-01T00:00:00" (the .NET default)',
      'GetDocumentGuid.json': '"result": "00000000-0000-0000-0000-000000000000" (the .NET default)',
      'GetDocumentStatus.json':
        'returns DocumentStatus (an enum: Draft, Published, Archived), a .NET value type, which has no null ' +
        '(only a result the WSDL declares nillable="true", such as an int?, can be null); write a value instead, ' +
        'e.g. "result": "Draft" (the .NET default), or a "fault"',
      'GetInitial.json': 'returns char, a .NET value type',
    };
    for (const [file, expected] of Object.entries(expectations)) {
      expect({ file, problem: problemOf({ [file]: [{ result: null }] }) }).toEqual({
        file,
        problem: expect.stringContaining(expected),
      });
    }
    // The reference WSDL declares its int result minOccurs="1" and not nillable: refused as well.
    const srv = loadWsdl('/work/shared/asmx-reference/typed/srv-full.wsdl');
    const dir = writeStubs({
      'GetDocumentVersionCount.json': [{ result: null }],
      'GetDocumentNames.json': [{ result: null }],
    });
    expect(() => loadStubFolder(dir, srv)).toThrow(
      /GetDocumentVersionCount\.json: rule \[0\]: result: null is not possible: GetDocumentVersionCount returns int/,
    );
  });

  test('integers are checked against the ranges of their .NET types', () => {
    const result = (file: string, value: unknown) => problemOf({ [file]: [{ result: value }] });
    expect(() =>
      stubs({ 'GetInitial.json': [{ result: 65535 }], 'GetDocumentIds.json': [{ result: [-2147483648] }] }),
    ).not.toThrow();
    expect(result('GetInitial.json', 65536)).toBe(
      'GetInitial.json: rule [0]: result: expected an integer from 0 to 65535, as a number: out of range for char ' +
        'for char, found a number (65536)',
    );
    expect(result('GetInitial.json', '74')).toContain(
      'expected an integer from 0 to 65535, as a number for char',
    );
    expect(result('GetDocumentIds.json', [-2147483649])).toContain(
      'expected an integer from -2147483648 to 2147483647, as a number or as a string of digits: out of range for int',
    );
    expect(() => stubs({ 'GetStorageUsed.json': [{ result: '-9223372036854775808' }] })).not.toThrow();
    expect(result('GetStorageUsed.json', '9223372036854775808')).toContain('out of range for long');
  });

  test('result shapes are checked recursively, naming the member', () => {
    const error = refusal({
      'GetDocumentInfos.json': [
        { result: [{ Id: 1 }, { Id: 2, Tags: ['a', 3], Status: 'Gone', name: 'x', Size: 1.5 }] },
      ],
    });
    expect(error.message.split('\n')[0]).toBe('4 problems in stub files:');
    const lines = error.problems.map((p) => p.replace(/^.*[\\/]/, ''));
    expect(lines).toEqual([
      'GetDocumentInfos.json: rule [0]: result[1].Tags[1]: expected a string for string, found a number (3)',
      'GetDocumentInfos.json: rule [0]: result[1].Status: expected the name of a member: "Draft", "Published", ' +
        '"Archived" for DocumentStatus (an enum: Draft, Published, Archived), found a string ("Gone")',
      'GetDocumentInfos.json: rule [0]: result[1]: "name" is not a member of DocumentInfo; its members are "Id", ' +
        '"Name", "Path", "Size", "Modified", "CheckedOut", "Tags", "Status", "Description" (did you mean "Name"? names ' +
        'are case-sensitive)',
      'GetDocumentInfos.json: rule [0]: result[1].Size: expected an integer from -9223372036854775808 to ' +
        '9223372036854775807, as a number or as a string of digits for long, found a number (1.5)',
    ]);
  });

  test('XmlNode results: a string holding one well-formed element', () => {
    const xml = (value: unknown) => problemOf({ 'GetFolderContents.json': [{ result: value }] });
    expect(xml({ root: {} })).toBe(
      'GetFolderContents.json: rule [0]: result: expected a string holding the XML of one element for XmlNode, found an object',
    );
    expect(xml('<root success="true">')).toMatch(
      /^GetFolderContents\.json: rule \[0\]: result: the XmlNode result is not well-formed XML: .*'root'.* \(line 1, column \d+\)$/,
    );
    expect(xml('<root a="1" a="2"/>')).toContain("is not well-formed XML: Attribute 'a' is repeated.");
    expect(xml('<a/><b/>')).toBe(
      'GetFolderContents.json: rule [0]: result: the XmlNode result holds 2 elements at the top (<a>, <b>); an XmlNode ' +
        'result is exactly one element',
    );
    expect(xml('<a/>text')).toContain('the XmlNode result has text outside its root element');
    expect(xml('<a/>text<!-- c -->')).toContain('the XmlNode result has text outside its root element');
    expect(xml('<a/><![CDATA[x]]>')).toContain('has a CDATA section outside its root element');
    expect(xml('<!-- only a comment -->')).toContain('is not well-formed XML');
    expect(xml('')).toContain('is not well-formed XML');
    expect(xml('plain text')).toContain('is not well-formed XML');
  });

  test('XmlNode results: a declaration, comments and processing instructions beside the root are allowed', () => {
    // The encoder drops them, as .NET's XmlDocument.DocumentElement does.
    const text =
      '<?xml version="1.0" encoding="utf-8"?>\n<!-- made by hand --><root success="true" /><?done?>\n';
    const set = stubs({ 'GetFolderContents.json': [{ result: text }] });
    expect(call(set, 'GetFolderContents', {})).toBe(text);
  });

  test('XmlNode results: placeholders only where an escaped value keeps the XML well-formed', () => {
    const xml = (value: string) => problemOf({ 'GetFolderContents.json': [{ result: value }] });
    expect(xml('<{{path}} />')).toBe(
      'GetFolderContents.json: rule [0]: result: the XmlNode result has {{path}} in an element name, where a value ' +
        'cannot go; a placeholder goes in element text or in a double-quoted attribute value',
    );
    expect(xml('<root {{path}}="1" />')).toContain('has {{path}} in an attribute name');
    expect(xml('<root><!-- {{path}} --></root>')).toContain('has {{path}} in a comment');
    expect(xml('<root><![CDATA[{{path}}]]></root>')).toContain('has {{path}} in a CDATA section');
    expect(xml("<root path='{{path}}' />")).toContain(
      'has {{path}} where an escaped value can break the XML (a single-quoted attribute?)',
    );
    const accepted = stubs({
      'GetFolderContents.json': [
        { result: '<root path="{{path}}"><user>{{$user}}</user> and {{path}}</root>' },
      ],
    });
    expect(call(accepted, 'GetFolderContents', { path: '<&>' })).toBe(
      '<root path="&lt;&amp;&gt;"><user>jsmith</user> and &lt;&amp;&gt;</root>',
    );
  });

  test('unknown placeholder names, and placeholders naming values without text', () => {
    expect(problemOf({ 'GetFolderContents.json': [{ result: '<root path="{{Path}}" />' }] })).toBe(
      'GetFolderContents.json: rule [0]: result: placeholder {{Path}}: "Path" is not a parameter of GetFolderContents; ' +
        'its parameters are "authenticationTicket", "path" (and "$user", the user of the ticket) (did you mean "path"? ' +
        'names are case-sensitive)',
    );
    expect(problemOf({ 'UpdateCustomer.json': [{ result: '<root c="{{customer}}" />' }] })).toBe(
      'UpdateCustomer.json: rule [0]: result: placeholder {{customer}} names Customer (an object with members ' +
        'CustomerId, Name, Address, Tags), which has no text; name one of its members instead, e.g. {{customer.CustomerId}}',
    );
    expect(problemOf({ 'GetServerVersion.json': [{ result: 'v{{$user}}' }] })).toContain(
      'result: placeholder {{$user}}: "$user" is the user of the request\'s ticket, but GetServerVersion has no',
    );
    expect(problemOf({ 'GetDocumentInfo.json': [{ result: { Name: '{{nme}}' } }] })).toContain(
      'rule [0]: result.Name: placeholder {{nme}}: "nme" is not a parameter',
    );
    expect(problemOf({ 'DeleteDocument.json': [{ fault: 'no {{file}}' }] })).toContain(
      'DeleteDocument.json: rule [0]: fault: placeholder {{file}}: "file" is not a parameter',
    );
  });

  test('every problem of the folder is reported at once, one per line', () => {
    const error = refusal({
      'Nope.json': [],
      'Ping.json': [{ result: 1 }],
      'GetDocumentVersionCount.json': [{ when: { x: 1 }, result: 'y' }],
    });
    expect(error.problems).toHaveLength(4);
    expect(error.message).toBe(`4 problems in stub files:\n${error.problems.join('\n')}`);
    expect(error.name).toBe('StubFileError');
  });

  test('a missing folder', () => {
    const missing = path.join(tempDir('nostubs'), 'absent');
    expect(() => loadStubFolder(missing, service)).toThrow(
      new StubFileError([
        `stub folder ${missing} cannot be read: ENOENT: no such file or directory, stat '${missing}'`,
      ]),
    );
  });
});

describe('with the reference WSDL (srv-full.wsdl read by loadWsdl) and the encoder', () => {
  const REFERENCE = '/work/shared/asmx-reference/typed';
  const srv = loadWsdl(path.join(REFERENCE, 'srv-full.wsdl'));
  /** The body of an expected answer (after the CRLF head). */
  const expectedBody = (name: string) => {
    const text = readFileSync(path.join(REFERENCE, 'expected', name), 'utf8');
    return text.slice(text.indexOf('\r\n\r\n') + 4);
  };
  const set = loadStubFolder(
    writeStubs({
      'GetDocumentInfo.json': [
        {
          when: { path: '/Finance/Reports/Q1.pdf' },
          // Members in any order: the encoder writes them in the schema's.
          result: {
            Status: 'Published',
            Tags: ['finance', 'q1'],
            Id: 101,
            Name: 'Q1.pdf',
            Path: '/Finance/Reports/Q1.pdf',
            Size: 48213,
            Modified: '2026-01-15T09:30:00Z',
            CheckedOut: false,
            Description: null,
          },
        },
        {
          when: { path: '/Finance/Reports/Q2.pdf' },
          result: {
            Id: 102,
            Name: 'Q2.pdf',
            Path: '{{path}}',
            Size: '51877',
            Modified: '2026-04-15T17:05:30.25',
            CheckedOut: false,
            Tags: ['finance', 'q2'],
            Status: 'Draft',
            Description: 'Q2 report – R&D <draft> "v2"',
          },
        },
        { when: { path: '/Finance/Budget.xlsx', $user: 'jsmith' }, fault: '[131] Document is checked out' },
      ],
      'GetFolderContents.json': [
        {
          when: { path: '/Finance' },
          result:
            '<root success="true"><folder name="Reports" path="{{path}}/Reports" />' +
            '<document id="103" name="Budget.xlsx" size="20480" /></root>',
        },
      ],
    }),
    srv,
  );
  const answer = (operationName: string, args: Arguments) =>
    set.answerer(operationName)?.({ authenticationTicket: 't', ...args }, contextFor(operationName));
  const encode = (operationName: string, value: unknown) =>
    compileEncoder(srv.byName.get(operationName) as OperationModel).plainBody(value);

  test('typed results come out byte for byte as ASMX writes them', () => {
    expect(encode('GetDocumentInfo', answer('GetDocumentInfo', { path: '/Finance/Reports/Q1.pdf' }))).toBe(
      expectedBody('get-GetDocumentInfo-ok.http'),
    );
    // A templated string member, markup and a non-ASCII character, escaped by the encoder alone.
    expect(encode('GetDocumentInfo', answer('GetDocumentInfo', { path: '/Finance/Reports/Q2.pdf' }))).toBe(
      expectedBody('get-GetDocumentInfo-q2.http'),
    );
    expect(answer('GetDocumentInfo', { path: '/Finance/Reports/Q3.pdf' })).toBe(UNHANDLED);
  });

  test('XmlNode results come out byte for byte as ASMX writes them', () => {
    expect(encode('GetFolderContents', answer('GetFolderContents', { path: '/Finance' }))).toBe(
      expectedBody('get-GetFolderContents-ok.http'),
    );
  });

  test('a fault rule throws the message as a client SoapFault', () => {
    expect(faultOf(() => answer('GetDocumentInfo', { path: '/Finance/Budget.xlsx' })).message).toBe(
      '[131] Document is checked out',
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Handler modules

function writeModule(name: string, source: string, dir = tempDir('handlers')): string {
  const file = path.join(dir, name);
  writeFileSync(file, source);
  return file;
}

async function moduleRefusal(file: string): Promise<string> {
  try {
    await loadHandlerModule(file, service);
  } catch (error) {
    expect(error).toBeInstanceOf(HandlerModuleError);
    return (error as Error).message.split(file).join('<file>');
  }
  throw new Error('the handler module was accepted');
}

describe('handler modules (CommonJS, in-process)', () => {
  test('a .cjs module exporting functions named as operations', async () => {
    const file = writeModule(
      'handlers.cjs',
      `exports.GetDocumentVersionCount = async ({ path }) => (path === '/a' ? 3 : 0);
       exports.Ping = function () {};`,
    );
    const handlers = await loadHandlerModule(file, service);
    expect(Object.keys(handlers).sort()).toEqual(['GetDocumentVersionCount', 'Ping']);
    await expect(
      handlers.GetDocumentVersionCount?.({ path: '/a' }, contextFor('GetDocumentVersionCount')),
    ).resolves.toBe(3);
    expect(Object.getPrototypeOf(handlers)).toBeNull();
    expect(Object.isFrozen(handlers)).toBe(true);
  });

  test('a default export object of functions (transpiled ESM): methods keep their this; other members are refused', async () => {
    const file = writeModule(
      'transpiled.cjs',
      `Object.defineProperty(exports, '__esModule', { value: true });
       exports.default = { Ping() { return 'pong'; }, GetServerVersion() { return 'v2-' + this.Ping(); } };`,
    );
    const handlers = await loadHandlerModule(file, service);
    expect(Object.keys(handlers)).toEqual(['Ping', 'GetServerVersion']);
    expect(
      await moduleRefusal(
        writeModule('x.cjs', `module.exports = { default: { Ping() {}, version: 'v2' } };`),
      ),
    ).toBe(
      'handler module <file>: default export member "version" is not an operation of Srv; a handler module exports ' +
        `only functions named as operations: ${service.operations.map((o) => o.name).join(', ')}`,
    );
    const { GetServerVersion } = handlers;
    expect(GetServerVersion?.({}, contextFor('GetServerVersion'))).toBe('v2-pong');
  });

  test('a .js module outside a "type": "module" package is CommonJS', async () => {
    const dir = tempDir('handlers');
    writeFileSync(path.join(dir, 'package.json'), '{"type":"commonjs"}');
    const file = writeModule('handlers.js', `module.exports = { Ping: async () => undefined };`, dir);
    expect(Object.keys(await loadHandlerModule(file, service))).toEqual(['Ping']);
  });

  test('refusals: missing file, wrong extension, throwing while loading, ESM syntax in CommonJS', async () => {
    const missing = path.join(tempDir('handlers'), 'nope.mjs');
    expect(await moduleRefusal(missing)).toBe('handler module <file> does not exist');
    expect(await moduleRefusal(writeModule('handlers.ts', 'export {}'))).toBe(
      'handler module <file>: a handler module is JavaScript: .mjs (an ES module), .cjs (CommonJS) or .js (as its ' +
        'package.json\'s "type" says), not ".ts"; compile it to JavaScript first',
    );
    expect(await moduleRefusal(writeModule('boom.cjs', `throw new TypeError('no database');`))).toBe(
      'handler module <file> failed to load: TypeError: no database',
    );
    const dir = tempDir('handlers');
    writeFileSync(path.join(dir, 'package.json'), '{}');
    expect(await moduleRefusal(writeModule('esm.js', 'export async function Ping() {}', dir))).toMatch(
      /^handler module <file> failed to load: SyntaxError: .*\(it is loaded as CommonJS: name an ES module \.mjs, or put "type": "module" in its package\.json\)$/,
    );
  });

  test('refusals: exports that are not functions or not operations (with a case hint), all at once', async () => {
    const message = await moduleRefusal(
      writeModule(
        'bad.cjs',
        `exports.getDocumentInfo = async () => null;
         exports.Ping = 'pong';
         exports.helper = () => 1;`,
      ),
    );
    const list = service.operations.map((o) => o.name).join(', ');
    expect(message).toBe(
      [
        '3 problems:',
        `handler module <file>: export "getDocumentInfo" is not an operation of Srv (did you mean "GetDocumentInfo"? ` +
          `names are case-sensitive); a handler module exports only functions named as operations: ${list}`,
        'handler module <file>: export "Ping" is a string, not a function; export the handler of Ping as an (async) ' +
          'function (args, context) => result',
        `handler module <file>: export "helper" is not an operation of Srv; a handler module exports only functions ` +
          `named as operations: ${list}`,
      ].join('\n'),
    );
  });

  test('refusals: a module exporting one function, nothing, or a default that is not an object', async () => {
    expect(await moduleRefusal(writeModule('fn.cjs', 'module.exports = async () => 1;'))).toBe(
      'handler module <file>: exports a single function; export one function per operation, named as the operation',
    );
    expect(await moduleRefusal(writeModule('empty.cjs', 'exports = { Ping() {} };'))).toBe(
      'handler module <file>: exports no handler; export one (async) function per operation, named as the operation ' +
        '(export async function GetDocumentInfo(args, context) { … }, or module.exports = { GetDocumentInfo } in CommonJS)',
    );
    expect(await moduleRefusal(writeModule('def.cjs', 'exports.default = () => 1;'))).toBe(
      'handler module <file>: the default export is a function; a default export is an object of functions named as ' +
        'operations ({ GetDocumentInfo() { … } }), or export each function by name',
    );
    expect(
      await moduleRefusal(
        writeModule('twice.cjs', 'exports.Ping = () => 1; exports.default = { Ping: () => 2 };'),
      ),
    ).toContain('default export member "Ping" and export "Ping" both answer Ping; keep one of them');
  });
});

describe('handler modules (ES modules, in a child process)', () => {
  /**
   * jest cannot run a real `import()` (it needs --experimental-vm-modules), so the loader itself
   * is transpiled to CommonJS as the build does (typescript.transpileModule) and run by a plain
   * `node` on a temporary folder. handlerModule.ts imports only node built-ins and types, so the
   * transpiled file runs alone; this also proves the `import()` survives the CommonJS output.
   */
  interface Outcome {
    readonly ok?: string[];
    readonly results?: unknown[];
    readonly error?: string;
    readonly errorName?: string;
  }
  let outcomes: Record<string, Outcome>;
  let dir: string;

  beforeAll(() => {
    dir = tempDir('esm');
    const source = readFileSync(path.join(__dirname, '../src/services/handlerModule.ts'), 'utf8');
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        esModuleInterop: true,
      },
    });
    expect(outputText).toContain("new Function('specifier', 'return import(specifier)')");
    writeFileSync(path.join(dir, 'handlerModule.js'), outputText);
    writeFileSync(path.join(dir, 'package.json'), '{"type":"commonjs"}');

    const files: Record<string, string> = {
      'named.mjs': `export async function GetDocumentVersionCount({ path }) { return path.length; }
                    export const Ping = async () => undefined;`,
      'default.mjs': `export default { Ping() { return 'pong'; }, GetServerVersion() { return 'v3-' + this.Ping(); } };`,
      'defaultFns.mjs': `export default { GetServerVersion: async () => 'v4' };`,
      'both.mjs': `export const Ping = () => {}; export default { GetServerVersion: () => 'v5' };`,
      'notFunction.mjs': `export const Ping = 42;`,
      'unknown.mjs': `export function ping() {}`,
      'throws.mjs': `throw new Error('cannot connect');`,
      'syntax.mjs': `export function Ping( {`,
      'badImport.mjs': `import { nothing } from './named.mjs'; export const Ping = nothing;`,
      'pkg/package.json': `{"type":"module"}`,
      'pkg/handlers.js': `export const GetServerVersion = () => 'from a module package';`,
    };
    mkdirSync(path.join(dir, 'pkg'));
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);

    const runner = `
      const { loadHandlerModule } = require('./handlerModule.js');
      const names = ${JSON.stringify(service.operations.map((o) => o.name))};
      const ops = names.map((name) => ({ name }));
      const service = {
        name: 'Srv', operations: ops,
        byName: new Map(ops.map((o) => [o.name, o])),
        byLowerCaseName: new Map(ops.map((o) => [o.name.toLowerCase(), o])),
      };
      const calls = {
        GetDocumentVersionCount: { path: '/abc' }, Ping: {}, GetServerVersion: {},
      };
      (async () => {
        const out = {};
        for (const file of ${JSON.stringify(Object.keys(files).filter((f) => !f.endsWith('package.json')))}) {
          const full = require('node:path').join(__dirname, file);
          try {
            const handlers = await loadHandlerModule(full, service);
            const ok = Object.keys(handlers).sort();
            const results = [];
            for (const name of ok) results.push((await handlers[name](calls[name], {})) ?? null);
            out[file] = { ok, results };
          } catch (error) {
            out[file] = { error: error.message.split(full).join('<file>'), errorName: error.name };
          }
        }
        process.stdout.write(JSON.stringify(out));
      })();
    `;
    writeFileSync(path.join(dir, 'run.cjs'), runner);
    outcomes = JSON.parse(
      execFileSync(process.execPath, [path.join(dir, 'run.cjs')], { encoding: 'utf8' }),
    ) as Record<string, Outcome>;
  });

  test('named exports of an .mjs module', () => {
    expect(outcomes['named.mjs']).toEqual({ ok: ['GetDocumentVersionCount', 'Ping'], results: [4, null] });
  });

  test('a default export object of functions, with this bound to it', () => {
    expect(outcomes['default.mjs']).toEqual({
      ok: ['GetServerVersion', 'Ping'],
      results: ['v3-pong', 'pong'],
    });
  });

  test('a default export object of functions only, and together with named exports', () => {
    expect(outcomes['defaultFns.mjs']).toEqual({ ok: ['GetServerVersion'], results: ['v4'] });
    expect(outcomes['both.mjs']).toEqual({ ok: ['GetServerVersion', 'Ping'], results: ['v5', null] });
  });

  test('a .js module in a "type": "module" package is an ES module', () => {
    expect(outcomes['pkg/handlers.js']).toEqual({
      ok: ['GetServerVersion'],
      results: ['from a module package'],
    });
  });

  test('an export that is not a function, or not an operation', () => {
    expect(outcomes['notFunction.mjs']).toEqual({
      errorName: 'HandlerModuleError',
      error:
        'handler module <file>: export "Ping" is a number, not a function; export the handler of Ping as an (async) ' +
        'function (args, context) => result',
    });
    expect(outcomes['unknown.mjs']?.error).toBe(
      'handler module <file>: export "ping" is not an operation of Srv (did you mean "Ping"? names are case-sensitive); ' +
        `a handler module exports only functions named as operations: ${service.operations.map((o) => o.name).join(', ')}`,
    );
  });

  test('a module that throws, does not parse, or imports what does not exist', () => {
    expect(outcomes['throws.mjs']).toEqual({
      errorName: 'HandlerModuleError',
      error: 'handler module <file> failed to load: Error: cannot connect',
    });
    expect(outcomes['syntax.mjs']?.error).toMatch(/^handler module <file> failed to load: SyntaxError: /);
    expect(outcomes['badImport.mjs']?.error).toMatch(
      /^handler module <file> failed to load: SyntaxError: .*nothing/,
    );
  });
});
