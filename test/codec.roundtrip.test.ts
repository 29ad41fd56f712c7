/**
 * Property tests of the codec as a whole, over the type model: for every XSD type it supports
 * (every primitive, enums, arrays with nil items, complex and nested complex types) random values
 * written as a SOAP result and read back as a SOAP argument are the same values; the same over
 * GET/POST for the types ASMX's HTTP reader takes; and random SOAP, query and form inputs never
 * make the decoders throw. Fixed seeds, printed by fast-check on failure.
 */
process.env.TZ = 'UTC';

import path from 'node:path';
import fc from 'fast-check';
import type { MemberModel, OperationModel, PrimitiveName, TypeModel } from '../src/contract/model';
import { loadWsdl } from '../src/contract/readWsdl';
import { decodeFormArguments } from '../src/codec/decodeFormArguments';
import { decodeSoapArguments } from '../src/codec/decodeSoapArguments';
import { encodeSoapBody } from '../src/codec/encodeResult';
import { DotNetDateTime, MAX_TICKS } from '../src/codec/values';
import { formatXsd } from '../src/codec/xmlConvert';
import { readXmlDocument } from '../src/xml/xmlReader';

const SEED = 20261201;
const RUNS = 300;
const NS = 'urn:roundtrip';
const ENVELOPE = 'http://schemas.xmlsoap.org/soap/envelope/';

const primitive = (name: PrimitiveName): TypeModel => ({ kind: 'primitive', name });
const member = (name: string, type: TypeModel, minOccurs = 0, nillable = false): MemberModel => ({
  name,
  namespace: NS,
  type,
  minOccurs,
  maxOccurs: 1,
  nillable,
});

const STATUS: TypeModel = {
  kind: 'enum',
  name: 'Status',
  namespace: NS,
  members: ['Draft', 'Published', 'Archived'],
};
const STRINGS: TypeModel = {
  kind: 'array',
  name: 'ArrayOfString',
  namespace: NS,
  item: { ...member('string', primitive('string'), 0, true), maxOccurs: Infinity },
};
const INTS: TypeModel = {
  kind: 'array',
  name: 'ArrayOfInt',
  namespace: NS,
  item: { ...member('int', primitive('int'), 1), maxOccurs: Infinity },
};
const INNER: TypeModel = {
  kind: 'complex',
  name: 'Inner',
  namespace: NS,
  members: [
    member('Code', primitive('int'), 1),
    member('Label', primitive('string')),
    member('Tags', STRINGS),
  ],
};
const OUTER: TypeModel = {
  kind: 'complex',
  name: 'Outer',
  namespace: NS,
  members: [
    member('Id', primitive('long'), 1),
    member('When', primitive('dateTime'), 1),
    member('Status', STATUS, 1),
    member('Inner', INNER),
    member('Amount', primitive('decimal'), 1),
    member('Name', primitive('string')),
  ],
};

/** XML 1.0 characters the writer keeps as they are (a CR would come back as LF). */
const xmlChar = fc
  .integer({ min: 0x20, max: 0xfffd })
  .filter((c) => c < 0xd800 || c > 0xdfff)
  .map((c) => String.fromCharCode(c));
const xmlString = fc
  .array(fc.oneof(xmlChar, fc.constantFrom('\n', '\t', '&', '<', '>', '"', "'", ' ')), {
    maxLength: 30,
  })
  .map((chars) => chars.join(''));

const INTEGER_RANGES: Partial<Record<PrimitiveName, [number, number]>> = {
  byte: [-128, 127],
  unsignedByte: [0, 255],
  short: [-32768, 32767],
  unsignedShort: [0, 65535],
  int: [-2147483648, 2147483647],
  unsignedInt: [0, 4294967295],
  char: [0, 65535],
};

const decimalText = fc
  .tuple(fc.boolean(), fc.bigInt({ min: 0n, max: 10n ** 20n }), fc.integer({ min: 0, max: 8 }))
  .map(([negative, digits, scale]) => {
    const text = digits.toString().padStart(scale + 1, '0');
    const whole = scale ? `${text.slice(0, -scale)}.${text.slice(-scale)}` : text;
    return negative && digits !== 0n ? `-${whole}` : whole;
  });

function primitiveValue(name: PrimitiveName): fc.Arbitrary<unknown> {
  const range = INTEGER_RANGES[name];
  if (range) return fc.integer({ min: range[0], max: range[1] });
  switch (name) {
    case 'string':
      return xmlString;
    case 'boolean':
      return fc.boolean();
    case 'long':
      return fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
    case 'unsignedLong':
      return fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
    case 'double':
      return fc.double({ noDefaultInfinity: false }).filter((d) => !Object.is(d, -0) && !Number.isNaN(d));
    case 'float':
      return fc.float({ noNaN: true }).filter((f) => !Object.is(f, -0));
    case 'decimal':
      return decimalText;
    case 'dateTime':
      return fc
        .tuple(
          fc.bigInt({ min: 0n, max: MAX_TICKS }),
          fc.constantFrom('Utc', 'Local', 'Unspecified' as const),
        )
        .map(([ticks, kind]) => new DotNetDateTime(ticks, kind));
    case 'guid':
      return fc.uuid();
    case 'base64Binary':
      return fc.uint8Array({ maxLength: 40 }).map((bytes) => Buffer.from(bytes));
    default:
      throw new Error(`no arbitrary for ${name}`);
  }
}

function valueOf(type: TypeModel, depth = 0): fc.Arbitrary<unknown> {
  switch (type.kind) {
    case 'primitive':
      return primitiveValue(type.name);
    case 'enum':
      return fc.constantFrom(...type.members);
    case 'array':
      return fc.array(
        type.item.nillable
          ? fc.option(valueOf(type.item.type, depth + 1), { nil: null })
          : valueOf(type.item.type, depth + 1),
        {
          maxLength: 4,
        },
      );
    case 'complex': {
      const shape: Record<string, fc.Arbitrary<unknown>> = {};
      for (const m of type.members) {
        const value = valueOf(m.type, depth + 1);
        // Reference-typed members may be null (left out of the XML, read back as null).
        shape[m.name] = m.minOccurs === 0 ? fc.option(value, { nil: null }) : value;
      }
      return fc.record(shape);
    }
    default:
      throw new Error('XmlNode values are not arguments');
  }
}

/** The value as it reads back: Buffers compared by bytes, DateTimes by ticks and kind, floats as singles. */
function comparable(type: TypeModel, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (type.kind) {
    case 'primitive':
      if (value instanceof DotNetDateTime) return `${value.ticks}/${value.kind}`;
      if (Buffer.isBuffer(value)) return value.toString('hex');
      if (type.name === 'float') return Math.fround(value as number);
      if (type.name === 'guid') return String(value).toLowerCase();
      return value;
    case 'array':
      return (value as unknown[]).map((item) => comparable(type.item.type, item));
    case 'complex':
      return Object.fromEntries(
        type.members.map((m) => [m.name, comparable(m.type, (value as Record<string, unknown>)[m.name])]),
      );
    default:
      return value;
  }
}

/** An operation whose result and whose one parameter are the same member, to write and read one value. */
function roundTripOperation(type: TypeModel): OperationModel {
  const value = member(
    'Value',
    type,
    type.kind === 'primitive' && type.name !== 'string' && type.name !== 'base64Binary' ? 1 : 0,
  );
  return {
    name: 'Echo',
    documentation: '',
    protocols: new Set(['soap11', 'soap12', 'httpGet', 'httpPost']),
    soapAction: `${NS}/Echo`,
    soap12Action: `${NS}/Echo`,
    requestElement: { namespace: NS, name: 'EchoResponse' },
    responseElement: { namespace: NS, name: 'EchoResponse' },
    params: [value],
    result: value,
    httpResultElement: undefined,
  };
}

function soapRoundTrip(type: TypeModel, input: unknown): unknown {
  const operation = roundTripOperation(type);
  // The result element is named like the parameter, so the response body reads back as a request.
  const body = encodeSoapBody({ ...operation, result: { ...operation.params[0]!, name: 'Value' } }, input);
  const document = readXmlDocument(
    `<soap:Envelope xmlns:soap="${ENVELOPE}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soap:Body>${body}</soap:Body></soap:Envelope>`,
  );
  if ('error' in document) throw new Error(`not readable: ${document.error.message}\n${body}`);
  const request = document.root.children[0]?.children[0];
  const read = decodeSoapArguments(operation, request);
  if ('error' in read) throw new Error(`not decodable: ${JSON.stringify(read.error)}\n${body}`);
  return read.args.Value;
}

const PRIMITIVES: PrimitiveName[] = [
  'string',
  'boolean',
  'byte',
  'unsignedByte',
  'short',
  'unsignedShort',
  'int',
  'unsignedInt',
  'long',
  'unsignedLong',
  'float',
  'double',
  'decimal',
  'dateTime',
  'guid',
  'char',
  'base64Binary',
];

describe('SOAP: a value written by the encoder reads back the same', () => {
  const types: Array<[string, TypeModel]> = [
    ...PRIMITIVES.map((name): [string, TypeModel] => [name, primitive(name)]),
    ['an enum', STATUS],
    ['an array of nillable strings', STRINGS],
    ['an array of int', INTS],
    ['a complex type', INNER],
    ['a nested complex type', OUTER],
  ];
  test.each(types)('%s', (_label, type) => {
    fc.assert(
      fc.property(valueOf(type), (value) => {
        expect(comparable(type, soapRoundTrip(type, value))).toEqual(comparable(type, value));
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});

describe('GET/POST: the text a client sends for a value converts back to it', () => {
  const HTTP_PRIMITIVES = PRIMITIVES.filter(
    (name) => name !== 'guid' && name !== 'base64Binary' && name !== 'char',
  );
  test.each(HTTP_PRIMITIVES)('%s', (name) => {
    const type = primitive(name);
    const operation = roundTripOperation(type);
    fc.assert(
      fc.property(primitiveValue(name), (value) => {
        // What a .NET client puts in the query: value.ToString() (Infinity, not XSD's INF).
        const text =
          typeof value === 'number' && !Number.isFinite(value)
            ? value > 0
              ? 'Infinity'
              : '-Infinity'
            : formatXsd(name, value);
        const read = decodeFormArguments(operation, [['value', text]]);
        if ('error' in read) throw new Error(`${text}: ${JSON.stringify(read.error)}`);
        // DateTime.Parse turns a zone (Z or an offset) into server-local time, kind Local (TZ=UTC here).
        const expected =
          value instanceof DotNetDateTime && value.kind === 'Utc'
            ? new DotNetDateTime(value.ticks, 'Local')
            : value;
        expect(comparable(type, read.args.Value)).toEqual(comparable(type, expected));
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});

describe('random inputs never make the decoders throw', () => {
  const model = loadWsdl(path.join(__dirname, '..', 'examples', 'inforouter-documents', 'srv-full.wsdl'));
  const operation = fc.constantFrom(...model.operations);

  test('SOAP request elements: random children, text and nil for every operation', () => {
    const element = (names: string[]) =>
      fc.record({
        name: fc.constantFrom(...names, 'Unknown', 'string', 'Id', 'Tags'),
        nil: fc.boolean(),
        text: fc.oneof(
          xmlString,
          fc.constantFrom(
            '',
            '1',
            '-0',
            '99999999999',
            'true',
            'True',
            'Draft',
            '2',
            'AAEC/w==',
            '2026-01-01T00:00:00Z',
          ),
        ),
      });
    fc.assert(
      fc.property(operation, fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 }), (op, nesting) =>
        fc.assert(
          fc.property(fc.array(element(op.params.map((p) => p.name)), { maxLength: 8 }), (children) => {
            const inner = (depth: number): string =>
              children
                .map((c) => {
                  const nil = c.nil ? ' xsi:nil="true"' : '';
                  const escaped = c.text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
                  const content = depth < nesting.length ? inner(depth + 1) : escaped;
                  return `<${c.name}${nil}>${content}</${c.name}>`;
                })
                .join('');
            const document = readXmlDocument(
              `<r xmlns="${model.targetNamespace}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">${inner(0)}</r>`,
            );
            if ('error' in document) return;
            const read = decodeSoapArguments(op, document.root);
            expect('args' in read || 'error' in read).toBe(true);
          }),
          { seed: SEED, numRuns: 5 },
        ),
      ),
      { seed: SEED, numRuns: RUNS },
    );
  });

  test('query strings and forms: random pairs for every operation', () => {
    const name = (op: OperationModel) =>
      fc.oneof(fc.constantFrom(...op.params.map((p) => p.name), 'x'), fc.string({ maxLength: 8 }));
    fc.assert(
      fc.property(operation, (op) =>
        fc.assert(
          fc.property(
            fc.array(
              fc.tuple(
                name(op),
                fc.oneof(
                  fc.string({ maxLength: 20 }),
                  fc.constantFrom(
                    '',
                    '1',
                    ' 2 ',
                    '0x10',
                    '2026-12-31T10:00:00+02:00',
                    'archived',
                    '256',
                    '<b>',
                    '&#1',
                  ),
                ),
              ),
              {
                maxLength: 8,
              },
            ),
            (pairs) => {
              const read = decodeFormArguments(op, pairs);
              expect('args' in read || 'error' in read).toBe(true);
            },
          ),
          { seed: SEED, numRuns: 5 },
        ),
      ),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
