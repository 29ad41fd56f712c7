/**
 * The .NET value conversions of the codec: XmlConvert (SOAP), ScalarFormatter (HTTP GET/POST),
 * HtmlEncode of error texts and ASP.NET request validation — against the wire facts of
 * ../shared/asmx-reference/typed (README and the golden `expected/` files) and edge cases taken
 * from the .NET Framework reference source (each also checked against Mono, which runs the same
 * reference source for XmlConvert, Guid and number parsing).
 */
process.env.TZ = 'UTC';

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import type { EnumType, PrimitiveName } from '../src/contract/model';
import { DotNetException } from '../src/codec/dotnetException';
import {
  convertHttpValue,
  dotnetTypeName,
  httpConversionFailure,
  isHttpParameterTypeSupported,
} from '../src/codec/dotnetParse';
import { NUMBER_TO_DOUBLE_TABLES } from '../src/codec/dotnetNumber';
import { ticksFromParts } from '../src/codec/dateTimeTicks';
import { asmxErrorText, htmlEncodeMessage } from '../src/transports/htmlEncode';
import {
  dangerousIndex,
  findDangerousValue,
  requestValidationMessage,
} from '../src/transports/requestValidation';
import {
  fixedTimeZone,
  processServerTime,
  type ServerTime,
  type ServerTimeZone,
} from '../src/codec/serverTimeZone';
import { DotNetDateTime, MAX_TICKS } from '../src/codec/values';
import {
  formatEnum,
  formatXsd,
  InvalidBase64,
  parseEnumXsd,
  parseXsd,
  UnwritableValueError,
} from '../src/codec/xmlConvert';

const SEED = 20260115;
const KIT = path.resolve(__dirname, '../../shared/asmx-reference/typed');
const DocumentStatus: EnumType = {
  kind: 'enum',
  name: 'DocumentStatus',
  namespace: 'http://tempuri.org/',
  members: ['Draft', 'Published', 'Archived'],
};

/** The exception a call throws, as `type: message` (or the InvalidBase64 kind). */
function thrown(call: () => unknown): string {
  try {
    call();
  } catch (error) {
    if (error instanceof DotNetException) return error.toString();
    if (error instanceof InvalidBase64) return 'InvalidBase64';
    throw error;
  }
  throw new Error('expected the call to throw');
}

const FORMAT = 'System.FormatException: Input string was not in a correct format.';
const overflow = (word: string) =>
  `System.OverflowException: Value was either too large or too small for ${word}.`;
const dt = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0, fraction = 0) =>
  ticksFromParts(y, mo, d, h, mi, s) + BigInt(fraction);
const at = (zone: ServerTimeZone, now = Date.UTC(2026, 5, 15, 12)): ServerTime => ({ zone, now: () => now });

describe('DotNetException', () => {
  test('prints as Exception.ToString() starts', () => {
    const e = new DotNetException('System.FormatException', 'Input string was not in a correct format.');
    expect(e.toString()).toBe(FORMAT);
    expect(e).toBeInstanceOf(Error);
    expect(e.type).toBe('System.FormatException');
  });
});

describe('parseXsd: integers (XmlConvert.ToInt32 and friends)', () => {
  test.each([
    [' 2 ', 2],
    ['+2', 2],
    ['-2', -2],
    ['\t5\n', 5],
    ['00012', 12],
    ['-0', 0],
    ['2147483647', 2147483647],
    ['-2147483648', -2147483648],
    // .NET's parser ignores NUL characters after the number.
    ['5\u0000', 5],
  ])('int %j → %d', (text, value) => expect(parseXsd('int', text)).toBe(value));

  test.each(['abc', '', ' ', '0x10', '1.0', '1e3', '1,000', '- 5', '5-', '(5)', '\u00a05', '+', '5\u00001'])(
    'int %j is a FormatException',
    (text) => expect(thrown(() => parseXsd('int', text))).toBe(FORMAT),
  );

  test.each([
    ['int', '99999999999', 'an Int32'],
    ['int', '2147483648', 'an Int32'],
    ['short', '32768', 'an Int16'],
    ['byte', '-129', 'a signed byte'],
    ['unsignedByte', '256', 'an unsigned byte'],
    ['unsignedShort', '65536', 'a UInt16'],
    ['unsignedInt', '4294967296', 'a UInt32'],
    ['long', '9223372036854775808', 'an Int64'],
    ['unsignedLong', '18446744073709551616', 'a UInt64'],
    ['char', '65536', 'a UInt16'],
    ['int', '1' + '0'.repeat(60), 'an Int32'],
  ] as const)('%s %j overflows (%s)', (type, text, word) => {
    expect(thrown(() => parseXsd(type, text))).toBe(overflow(word));
  });

  test('unsigned types take no sign at all in XmlConvert ("+1" and "-1" are format errors)', () => {
    expect(thrown(() => parseXsd('unsignedByte', '+1'))).toBe(FORMAT);
    expect(thrown(() => parseXsd('unsignedInt', '-1'))).toBe(FORMAT);
    expect(parseXsd('byte', '-128')).toBe(-128);
  });

  test('long is exact beyond 2^53; "big" is a FormatException (soap11-UpdateDocumentInfo-bad-long)', () => {
    expect(parseXsd('long', '9007199254740993')).toBe(9007199254740993n);
    expect(parseXsd('unsignedLong', '18446744073709551615')).toBe(18446744073709551615n);
    expect(thrown(() => parseXsd('long', 'big'))).toBe(FORMAT);
  });

  test('char is the UTF-16 code unit written as a number', () => {
    expect(parseXsd('char', '65')).toBe(65);
    expect(thrown(() => parseXsd('char', 'A'))).toBe(FORMAT);
  });
});

describe('parseXsd: double, float, decimal', () => {
  test('double: R text, XML Schema INF/-INF, .NET NaN, negative zero', () => {
    expect(parseXsd('double', '0.33333333333333331')).toBe(1 / 3);
    expect(parseXsd('double', ' 1e3 ')).toBe(1000);
    expect(parseXsd('double', '1E-07')).toBe(1e-7);
    expect(parseXsd('double', 'INF')).toBe(Infinity);
    expect(parseXsd('double', '-INF')).toBe(-Infinity);
    expect(parseXsd('double', 'NaN')).toBeNaN();
    // Double.Parse's own fallback symbols work too.
    expect(parseXsd('double', 'Infinity')).toBe(Infinity);
    expect(Object.is(parseXsd('double', '-0'), -0)).toBe(true);
    expect(Object.is(parseXsd('double', '0'), 0)).toBe(true);
  });

  test('double: failures', () => {
    for (const text of ['', 'abc', 'inf', '1,000.5', '1e', '0x10', '1.2.3']) {
      expect(thrown(() => parseXsd('double', text))).toBe(FORMAT);
    }
    expect(thrown(() => parseXsd('double', '1e400'))).toBe(overflow('a Double'));
    expect(thrown(() => parseXsd('float', '1e39'))).toBe(overflow('a Single'));
  });

  test('double: .NET Framework reads decimals with its own (not always correctly rounded) algorithm', () => {
    // Checked against Mono, which carries the same NumberToDouble: 18 digits at most, 64-bit tables.
    expect(parseXsd('double', '1002.31644')).toBe(1002.3164400000001);
    expect(parseXsd('double', '3.67192892E-17')).toBe(3.6719289200000003e-17);
  });

  test('float is rounded to single precision', () => {
    expect(parseXsd('float', '0.1')).toBe(Math.fround(0.1));
    expect(parseXsd('float', '3.40282347E+38')).toBe(Math.fround(3.4028234663852886e38));
  });

  test.each([
    ['1234.50', '1234.50'],
    ['-0.10', '-0.10'],
    [' 2 ', '2'],
    ['+1.5', '1.5'],
    ['0001.10', '1.10'],
    ['.5', '0.5'],
    ['5.', '5'],
    ['0.00', '0.00'],
    // A negative zero decimal exists, but prints without its sign.
    ['-0.00', '0.00'],
    ['79228162514264337593543950335', '79228162514264337593543950335'],
    ['0.0000000000000000000000000001', '0.0000000000000000000000000001'],
    // Beyond 28 decimals: rounded (banker's rounding when exactly half).
    ['0.00000000000000000000000000005', '0.0000000000000000000000000000'],
    ['0.00000000000000000000000000015', '0.0000000000000000000000000002'],
    ['1.00000000000000000000000000005', '1.0000000000000000000000000000'],
  ])('decimal %j → %j (scale kept)', (text, value) => expect(parseXsd('decimal', text)).toBe(value));

  test('decimal: no exponent, no thousands, overflow', () => {
    for (const text of ['1e3', '1,000', '', 'abc', '5-'])
      expect(thrown(() => parseXsd('decimal', text))).toBe(FORMAT);
    expect(thrown(() => parseXsd('decimal', '79228162514264337593543950336'))).toBe(overflow('a Decimal'));
  });
});

describe('parseXsd: boolean', () => {
  test('true, false, 1, 0 after trimming XML whitespace', () => {
    expect(parseXsd('boolean', 'true')).toBe(true);
    expect(parseXsd('boolean', '1')).toBe(true);
    expect(parseXsd('boolean', '0')).toBe(false);
    expect(parseXsd('boolean', ' false\n')).toBe(false);
  });

  test.each([
    ['True', 'True'],
    ['yes', 'yes'],
    ['TRUE', 'TRUE'],
    ['', ''],
    // The message shows the trimmed text.
    [' 01 ', '01'],
    ['\u00a0true', '\u00a0true'],
  ])('%j fails with the trimmed text in the message', (text, shown) => {
    expect(thrown(() => parseXsd('boolean', text))).toBe(
      `System.FormatException: The string '${shown}' is not a valid Boolean value.`,
    );
  });
});

describe('parseXsd: dateTime (XmlConvert.ToDateTime, RoundtripKind)', () => {
  test('README: Z is Utc, no zone Unspecified, an offset becomes server-local (Local), a date alone is midnight', () => {
    expect(parseXsd('dateTime', '2026-12-31T10:00:00Z')).toEqual(
      new DotNetDateTime(dt(2026, 12, 31, 10), 'Utc'),
    );
    expect(parseXsd('dateTime', '2026-12-31T10:00:00')).toEqual(
      new DotNetDateTime(dt(2026, 12, 31, 10), 'Unspecified'),
    );
    expect(parseXsd('dateTime', '2026-12-31T10:00:00+02:00')).toEqual(
      new DotNetDateTime(dt(2026, 12, 31, 8), 'Local'),
    );
    expect(parseXsd('dateTime', '2026-12-31')).toEqual(new DotNetDateTime(dt(2026, 12, 31), 'Unspecified'));
  });

  test('7 fraction digits are kept exactly; an 8th rounds half to even', () => {
    expect(parseXsd('dateTime', '2026-12-31T10:00:00.1234567Z').ticks).toBe(
      dt(2026, 12, 31, 10, 0, 0, 1234567),
    );
    expect(parseXsd('dateTime', '2026-12-31T10:00:00.5').ticks).toBe(dt(2026, 12, 31, 10, 0, 0, 5000000));
    expect(parseXsd('dateTime', '2026-12-31T10:00:00.12345678Z').ticks).toBe(
      dt(2026, 12, 31, 10, 0, 0, 1234568),
    );
    expect(parseXsd('dateTime', '2026-12-31T10:00:00.12345675Z').ticks).toBe(
      dt(2026, 12, 31, 10, 0, 0, 1234568),
    );
    expect(parseXsd('dateTime', '2026-12-31T10:00:00.12345665Z').ticks).toBe(
      dt(2026, 12, 31, 10, 0, 0, 1234566),
    );
    expect(parseXsd('dateTime', '2026-12-31T10:00:00.123456650001Z').ticks).toBe(
      dt(2026, 12, 31, 10, 0, 0, 1234567),
    );
  });

  test('the other XSD forms and whitespace', () => {
    expect(parseXsd('dateTime', ' 2026-12-31T10:00:00Z\n').kind).toBe('Utc');
    expect(parseXsd('dateTime', '2026-12-31T10:00:00z').kind).toBe('Utc');
    // The T must be upper case (XsdDateTime.Parser compares it exactly).
    expect(thrown(() => parseXsd('dateTime', '2026-12-31t10:00:00Z'))).toContain(
      'is not a valid AllXsd value',
    );
    expect(parseXsd('dateTime', '2026-12-31Z')).toEqual(new DotNetDateTime(dt(2026, 12, 31), 'Utc'));
    expect(parseXsd('dateTime', '2026-12')).toEqual(new DotNetDateTime(dt(2026, 12, 1), 'Unspecified'));
    expect(parseXsd('dateTime', '2026')).toEqual(new DotNetDateTime(dt(2026, 1, 1), 'Unspecified'));
    expect(parseXsd('dateTime', '--12-31').ticks).toBe(dt(1904, 12, 31));
    const time = at(fixedTimeZone(0), Date.UTC(2026, 5, 15, 12));
    expect(parseXsd('dateTime', '10:00:00', time)).toEqual(
      new DotNetDateTime(dt(2026, 6, 15, 10), 'Unspecified'),
    );
    expect(parseXsd('dateTime', '--12', time)).toEqual(new DotNetDateTime(dt(2026, 12, 1), 'Unspecified'));
    expect(parseXsd('dateTime', '---31', time)).toEqual(new DotNetDateTime(dt(2026, 1, 31), 'Unspecified'));
  });

  test.each([
    'not-a-date',
    '',
    '2026-12-31T24:00:00',
    '2026-02-29',
    '2026-13-01',
    '0000-01-01',
    '2026-12-31T10:00:00.Z',
    '2026-12-31T10:00:00+2:00',
    '2026-12-31T10:00',
    '2026-12-31 10:00:00',
  ])('%j is not a valid AllXsd value', (text) => {
    expect(thrown(() => parseXsd('dateTime', text))).toBe(
      `System.FormatException: The string '${text}' is not a valid AllXsd value.`,
    );
  });

  test('offsets are converted with the server zone; out-of-range results clamp as XsdDateTime does', () => {
    const berlin = at(fixedTimeZone(60));
    expect(parseXsd('dateTime', '2026-12-31T10:00:00+02:00', berlin)).toEqual(
      new DotNetDateTime(dt(2026, 12, 31, 9), 'Local'),
    );
    expect(parseXsd('dateTime', '2026-12-31T10:00:00-05:30', berlin).ticks).toBe(dt(2026, 12, 31, 16, 30));
    expect(parseXsd('dateTime', '0001-01-01T00:00:00+01:00').ticks).toBe(0n);
    expect(parseXsd('dateTime', '9999-12-31T23:00:00-02:00').ticks).toBe(MAX_TICKS);
    expect(thrown(() => parseXsd('dateTime', '9999-12-31T23:59:59.99999999Z'))).toBe(
      'System.ArgumentOutOfRangeException: The added or subtracted value results in an un-representable DateTime.\r\nParameter name: value',
    );
  });
});

describe('parseXsd: guid, base64Binary, string; parseEnumXsd', () => {
  test('guid: any .NET form and case in, lower-case D form out', () => {
    const d = '0f8fad5b-d9cb-469f-a165-70867728950e';
    for (const text of [
      d,
      d.toUpperCase(),
      `{${d}}`,
      `(${d})`,
      d.replace(/-/g, ''),
      ` ${d} `,
      '{0x0f8fad5b,0xd9cb,0x469f,{0xa1,0x65,0x70,0x86,0x77,0x28,0x95,0x0e}}',
      '{ 0x0f8fad5b, 0xd9cb, 0x469f, { 0xa1, 0x65, 0x70, 0x86, 0x77, 0x28, 0x95, 0x0e } }',
      // ParseNumbers quirks .NET keeps: a group may start with "+" or "0x".
      '+f8fad5b-d9cb-469f-a165-70867728950e',
      '0x8fad5b-d9cb-469f-a165-70867728950e',
    ]) {
      expect(parseXsd('guid', text)).toBe(
        text.startsWith('0x8') ? '008fad5b-d9cb-469f-a165-70867728950e' : d,
      );
    }
  });

  test.each([
    ['', 'System.FormatException: Unrecognized Guid format.'],
    ['-f8fad5b-d9cb-469f-a165-70867728950e', 'System.FormatException: Unrecognized Guid format.'],
    [
      'not-a-guid',
      'System.FormatException: Guid should contain 32 digits with 4 dashes (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx).',
    ],
    [
      '0f8fad5bd9cb-469f-a165-70867728950e1',
      'System.FormatException: Dashes are in the wrong position for GUID parsing.',
    ],
    [
      '0f8fad5x-d9cb-469f-a165-70867728950e',
      'System.FormatException: Guid string should only contain hexadecimal characters.',
    ],
    [
      'zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz',
      'System.FormatException: Could not find any recognizable digits.',
    ],
    [
      '0f8fad5bd9cb469fa16570867728950x',
      'System.FormatException: Guid string should only contain hexadecimal characters.',
    ],
    // Guid sets this failure as a plain Format one: the {0} is never filled in.
    ['{}', "System.FormatException: Expected hex 0x in '{0}'."],
    [
      '{0x0f8fad5b,0xd9cb,0x469f,{0xa1,0x65,0x70,0x86,0x77,0x28,0x95,0x10e}}',
      'System.FormatException: Value was either too large or too small for an unsigned byte.',
    ],
    [
      '{0x123456789,0xd9cb,0x469f,{0xa1,0x65,0x70,0x86,0x77,0x28,0x95,0x0e}}',
      'System.OverflowException: Value was either too large or too small for a UInt32.',
    ],
    [
      '{0x0f8fad5b,0xd9cb,0x469f,{0xa1,0x65,0x70,0x86,0x77,0x28,0x95,0x0e}}x',
      'System.FormatException: Additional non-parsable characters are at the end of the string.',
    ],
  ])('guid %j fails: %s', (text, message) => expect(thrown(() => parseXsd('guid', text))).toBe(message));

  test('base64Binary is lenient as ReadElementContentAsBase64 (README wire facts)', () => {
    expect(parseXsd('base64Binary', 'SGVsbG8sIHdvcmxkIQ==').toString()).toBe('Hello, world!');
    expect(parseXsd('base64Binary', 'SGVsbG8').toString()).toBe('Hello'); // padding missing
    expect(parseXsd('base64Binary', 'A')).toHaveLength(0); // incomplete quantum dropped
    expect(parseXsd('base64Binary', 'SGVs\nbG8=').toString()).toBe('Hello');
    expect(parseXsd('base64Binary', ' SG Vs\r\n\tbG 8= ').toString()).toBe('Hello');
    expect(parseXsd('base64Binary', '')).toHaveLength(0);
    expect(parseXsd('base64Binary', 'SGVsbA===').toString()).toBe('Hell');
    expect([...parseXsd('base64Binary', 'AAEC/w==')]).toEqual([0, 1, 2, 255]);
  });

  test.each([
    'SGVsbG8=SGVsbG8=',
    '!!!not base64!!!',
    '==SGVs',
    'SGVsbG8==x',
    'SGVsbG8-',
    '_-',
    'SGVsbG8=\u00a0',
  ])('base64 %j is the InvalidBase64 kind, not a DotNetException', (text) => {
    let error: unknown;
    try {
      parseXsd('base64Binary', text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidBase64);
    expect(error).not.toBeInstanceOf(DotNetException);
    expect((error as InvalidBase64).kind).toBe('InvalidBase64');
  });

  test('string is the text as it is', () => {
    expect(parseXsd('string', ' a < b ')).toBe(' a < b ');
  });

  test('enums: exact member names only (soap11-SetDocumentStatus-*)', () => {
    expect(parseEnumXsd(DocumentStatus, 'Archived')).toBe('Archived');
    for (const text of ['Bogus', 'archived', '2', ' Draft', '']) {
      expect(thrown(() => parseEnumXsd(DocumentStatus, text))).toBe(
        `System.InvalidOperationException: Instance validation error: '${text}' is not a valid value for DocumentStatus.`,
      );
    }
  });
});

describe('formatXsd: how XmlSerializer writes values', () => {
  test('integers, long and char', () => {
    expect(formatXsd('int', 42)).toBe('42');
    expect(formatXsd('int', -0)).toBe('0');
    expect(formatXsd('int', '007')).toBe('007'); // a string is taken verbatim
    expect(formatXsd('long', 9007199254740993n)).toBe('9007199254740993');
    expect(formatXsd('long', 2 ** 60)).toBe('1152921504606846976');
    expect(formatXsd('long', '9007199254740993')).toBe('9007199254740993');
    expect(formatXsd('unsignedByte', 255)).toBe('255');
    expect(formatXsd('char', 65)).toBe('65');
    expect(formatXsd('char', 'A')).toBe('65');
  });

  test.each([
    [1 / 3, '0.33333333333333331'],
    [0.1, '0.1'],
    [1e21, '1E+21'],
    [1e-7, '1E-07'],
    [1.2345678901234568e20, '1.2345678901234568E+20'],
    [0.0001, '0.0001'],
    [0.00001, '1E-05'],
    [1e15, '1E+15'],
    [12345678901234568, '12345678901234568'],
    [Math.PI, '3.1415926535897931'],
    [2 / 3, '0.66666666666666663'],
    [5e-324, '4.94065645841247E-324'],
    [1.7976931348623157e308, '1.7976931348623157E+308'],
    [-2.5, '-2.5'],
    [NaN, 'NaN'],
    [Infinity, 'INF'],
    [-Infinity, '-INF'],
    [-0, '-0'],
    [0, '0'],
  ])('double %p → %j (R format of .NET Framework)', (value, text) =>
    expect(formatXsd('double', value)).toBe(text),
  );

  test('R on x64 .NET Framework: the 15-digit test uses .NET’s own lossy parser, so the text can read back one unit off', () => {
    const text = formatXsd('double', -7.8176608168936005e-22);
    expect(text).toBe('-7.8176608168936E-22');
    expect(parseXsd('double', text)).toBe(-7.8176608168936e-22);
  });

  test.each([
    [1 / 3, '0.333333343'],
    [0.1, '0.1'],
    [3.4028234663852886e38, '3.40282347E+38'],
    [1e-45, '1.401298E-45'],
    [16777216, '16777216'],
    [Infinity, 'INF'],
  ])('float %p → %j', (value, text) => expect(formatXsd('float', value)).toBe(text));

  test('decimal: a string verbatim, a number as C# (decimal)double does (15 digits)', () => {
    expect(formatXsd('decimal', '1234.50')).toBe('1234.50');
    expect(formatXsd('decimal', 1234.5)).toBe('1234.5');
    expect(formatXsd('decimal', 0.1 + 0.2)).toBe('0.3');
    expect(formatXsd('decimal', 1 / 3)).toBe('0.333333333333333');
    expect(formatXsd('decimal', 1e21)).toBe('1000000000000000000000');
    expect(formatXsd('decimal', -1e-7)).toBe('-0.0000001');
    expect(formatXsd('decimal', 12n)).toBe('12');
    expect(() => formatXsd('decimal', NaN)).toThrow(UnwritableValueError);
    expect(() => formatXsd('decimal', 1e29)).toThrow(UnwritableValueError);
  });

  test('boolean, guid, base64Binary, string', () => {
    expect(formatXsd('boolean', true)).toBe('true');
    expect(formatXsd('boolean', false)).toBe('false');
    expect(formatXsd('guid', '0F8FAD5B-D9CB-469F-A165-70867728950E')).toBe(
      '0f8fad5b-d9cb-469f-a165-70867728950e',
    );
    expect(formatXsd('guid', '{0f8fad5b-d9cb-469f-a165-70867728950e}')).toBe(
      '0f8fad5b-d9cb-469f-a165-70867728950e',
    );
    expect(formatXsd('base64Binary', Buffer.from('Hello'))).toBe('SGVsbG8=');
    expect(formatXsd('base64Binary', new Uint8Array([0, 1, 2, 255]))).toBe('AAEC/w==');
    expect(formatXsd('base64Binary', 'SGVsbG8=')).toBe('SGVsbG8=');
    expect(formatXsd('string', 'a & b')).toBe('a & b');
  });

  test('dateTime round-trip form (README: DateTime out)', () => {
    expect(formatXsd('dateTime', new DotNetDateTime(dt(2026, 1, 15, 9, 30), 'Utc'))).toBe(
      '2026-01-15T09:30:00Z',
    );
    expect(
      formatXsd('dateTime', new DotNetDateTime(dt(2026, 4, 15, 17, 5, 30, 2500000), 'Unspecified')),
    ).toBe('2026-04-15T17:05:30.25');
    expect(formatXsd('dateTime', new DotNetDateTime(dt(2025, 12, 31, 23, 59, 59), 'Local'))).toBe(
      '2025-12-31T23:59:59+00:00',
    );
    expect(formatXsd('dateTime', new DotNetDateTime(dt(2026, 12, 31, 10, 0, 0, 1234567), 'Utc'))).toBe(
      '2026-12-31T10:00:00.1234567Z',
    );
    expect(formatXsd('dateTime', new DotNetDateTime(dt(2026, 12, 31, 10, 0, 0, 1), 'Utc'))).toBe(
      '2026-12-31T10:00:00.0000001Z',
    );
    expect(formatXsd('dateTime', DotNetDateTime.MIN)).toBe('0001-01-01T00:00:00');
    expect(formatXsd('dateTime', new DotNetDateTime(MAX_TICKS, 'Unspecified'))).toBe(
      '9999-12-31T23:59:59.9999999',
    );
    expect(formatXsd('dateTime', new Date(Date.UTC(2026, 0, 15, 9, 30, 0, 250)))).toBe(
      '2026-01-15T09:30:00.25Z',
    );
    expect(formatXsd('dateTime', '2026-01-15T09:30:00Z')).toBe('2026-01-15T09:30:00Z');
  });

  test('a Local dateTime carries the server offset at that local time (injected zones)', () => {
    const local = new DotNetDateTime(dt(2026, 7, 1, 12), 'Local');
    expect(formatXsd('dateTime', local, at(fixedTimeZone(120)))).toBe('2026-07-01T12:00:00+02:00');
    expect(formatXsd('dateTime', local, at(fixedTimeZone(-330)))).toBe('2026-07-01T12:00:00-05:30');
    // A zone with daylight saving (EU rules for 2026: +1 h, +2 h from 29 March 01:00 UTC to 25 October 01:00 UTC).
    const summerFrom = Date.UTC(2026, 2, 29, 1);
    const summerUntil = Date.UTC(2026, 9, 25, 1);
    const cet: ServerTimeZone = {
      offsetAt: (utc) => (utc >= summerFrom && utc < summerUntil ? 7_200_000 : 3_600_000),
    };
    const time = at(cet);
    expect(formatXsd('dateTime', new DotNetDateTime(dt(2026, 1, 15, 12), 'Local'), time)).toBe(
      '2026-01-15T12:00:00+01:00',
    );
    expect(formatXsd('dateTime', local, time)).toBe('2026-07-01T12:00:00+02:00');
    // 02:30 on 25 October happens twice and 02:30 on 29 March never: .NET uses standard time for both.
    expect(formatXsd('dateTime', new DotNetDateTime(dt(2026, 10, 25, 2, 30), 'Local'), time)).toBe(
      '2026-10-25T02:30:00+01:00',
    );
    expect(formatXsd('dateTime', new DotNetDateTime(dt(2026, 3, 29, 2, 30), 'Local'), time)).toBe(
      '2026-03-29T02:30:00+01:00',
    );
    // Reading an offset converts to the zone's time at that instant.
    expect(parseXsd('dateTime', '2026-07-01T10:00:00Z', time).kind).toBe('Utc');
    expect(parseXsd('dateTime', '2026-07-01T10:00:00+00:00', time)).toEqual(
      new DotNetDateTime(dt(2026, 7, 1, 12), 'Local'),
    );
    expect(parseXsd('dateTime', '2026-01-15T10:00:00+00:00', time)).toEqual(
      new DotNetDateTime(dt(2026, 1, 15, 11), 'Local'),
    );
  });

  test('enum member names; a number maps to its member', () => {
    expect(formatEnum(DocumentStatus, 'Published')).toBe('Published');
    expect(formatEnum(DocumentStatus, 2)).toBe('Archived');
    expect(formatEnum(DocumentStatus, '0')).toBe('Draft');
    expect(thrown(() => formatEnum(DocumentStatus, 5))).toBe(
      "System.InvalidOperationException: Instance validation error: '5' is not a valid value for DocumentStatus.",
    );
    expect(() => formatEnum(DocumentStatus, 'published')).toThrow(UnwritableValueError);
  });

  test('values with no text of their type are programming errors', () => {
    expect(() => formatXsd('int', 1.5)).toThrow(UnwritableValueError);
    expect(() => formatXsd('int', 2 ** 31)).toThrow(UnwritableValueError);
    expect(() => formatXsd('unsignedInt', -1)).toThrow(UnwritableValueError);
    expect(() => formatXsd('string', 5)).toThrow(UnwritableValueError);
    expect(() => formatXsd('boolean', 'true')).toThrow(UnwritableValueError);
    expect(() => formatXsd('guid', 'not-a-guid')).toThrow(UnwritableValueError);
    expect(() => formatXsd('dateTime', new Date(NaN))).toThrow(UnwritableValueError);
    expect(() => formatXsd('char', 70000)).toThrow(UnwritableValueError);
    expect(() => formatXsd('base64Binary', [1, 2])).toThrow(UnwritableValueError);
  });
});

describe('convertHttpValue: ScalarFormatter.FromString over GET/POST', () => {
  test('int: NumberStyles.Integer (README: " 2 " and "+2" accepted)', () => {
    expect(convertHttpValue('int', ' 2 ')).toBe(2);
    expect(convertHttpValue('int', '+2')).toBe(2);
    for (const raw of ['0x10', '', 'abc', '1,000', '1.5'])
      expect(thrown(() => convertHttpValue('int', raw))).toBe(FORMAT);
    expect(thrown(() => convertHttpValue('int', '99999999999'))).toBe(overflow('an Int32'));
  });

  test('byte[] items are System.Byte: signs allowed, "-1" and "256" overflow', () => {
    expect(convertHttpValue('unsignedByte', '72')).toBe(72);
    expect(convertHttpValue('unsignedByte', '+72')).toBe(72);
    expect(convertHttpValue('base64Binary', '101')).toBe(101);
    expect(thrown(() => convertHttpValue('unsignedByte', '256'))).toBe(overflow('an unsigned byte'));
    expect(thrown(() => convertHttpValue('unsignedByte', '-1'))).toBe(overflow('an unsigned byte'));
    expect(convertHttpValue('unsignedByte', '-0')).toBe(0);
    expect(thrown(() => convertHttpValue('unsignedByte', 'SGVsbG8='))).toBe(FORMAT);
    expect(thrown(() => convertHttpValue('unsignedLong', '-1'))).toBe(overflow('a UInt64'));
  });

  test('long, double, float, decimal', () => {
    expect(convertHttpValue('long', '9007199254740993')).toBe(9007199254740993n);
    expect(convertHttpValue('double', '1,000.5')).toBe(1000.5); // AllowThousands
    expect(convertHttpValue('double', ' 1e3 ')).toBe(1000);
    expect(convertHttpValue('double', 'NaN')).toBeNaN();
    expect(Object.is(convertHttpValue('double', '-0'), 0)).toBe(true); // Double.Parse drops the sign of zero
    expect(thrown(() => convertHttpValue('double', 'INF'))).toBe(FORMAT);
    expect(convertHttpValue('float', '0.1')).toBe(Math.fround(0.1));
    expect(convertHttpValue('decimal', '1,234.50')).toBe('1234.50');
    expect(convertHttpValue('decimal', '5-')).toBe('-5'); // NumberStyles.Number allows a trailing sign
    expect(thrown(() => convertHttpValue('decimal', '1e3'))).toBe(FORMAT);
  });

  test('bool: Boolean.Parse (any case, trimmed); char: Char.Parse', () => {
    expect(convertHttpValue('boolean', 'True')).toBe(true);
    expect(convertHttpValue('boolean', ' FALSE\u0000')).toBe(false);
    for (const raw of ['yes', '1', '']) {
      expect(thrown(() => convertHttpValue('boolean', raw))).toBe(
        'System.FormatException: String was not recognized as a valid Boolean.',
      );
    }
    expect(convertHttpValue('char', 'A')).toBe(65);
    expect(thrown(() => convertHttpValue('char', 'AB'))).toBe(
      'System.FormatException: String must be exactly one character long.',
    );
  });

  test('enum: Enum.Parse, case-sensitive, numbers accepted', () => {
    expect(convertHttpValue(DocumentStatus, '2')).toBe('Archived');
    expect(convertHttpValue(DocumentStatus, ' 2 ')).toBe('Archived');
    expect(convertHttpValue(DocumentStatus, 'Published')).toBe('Published');
    expect(convertHttpValue(DocumentStatus, ' Archived ')).toBe('Archived');
    // .NET ORs comma-separated names even for a non-flags enum, and keeps undefined numbers.
    expect(convertHttpValue(DocumentStatus, 'Draft, Published')).toBe('Published');
    expect(convertHttpValue(DocumentStatus, '5')).toBe('5');
    expect(thrown(() => convertHttpValue(DocumentStatus, 'archived'))).toBe(
      "System.ArgumentException: Requested value 'archived' was not found.",
    );
    expect(thrown(() => convertHttpValue(DocumentStatus, ' Bogus '))).toBe(
      "System.ArgumentException: Requested value 'Bogus' was not found.",
    );
    expect(thrown(() => convertHttpValue(DocumentStatus, '2abc'))).toBe(
      "System.ArgumentException: Requested value '2abc' was not found.",
    );
    expect(thrown(() => convertHttpValue(DocumentStatus, ''))).toBe(
      'System.ArgumentException: Must specify valid information for parsing in the string.',
    );
    expect(thrown(() => convertHttpValue(DocumentStatus, '99999999999'))).toBe(overflow('an Int32'));
  });

  test('Guid cannot be converted (and such methods are not offered over GET/POST)', () => {
    expect(thrown(() => convertHttpValue('guid', '0f8fad5b-d9cb-469f-a165-70867728950e'))).toBe(
      "System.InvalidCastException: Invalid cast from 'System.String' to 'System.Guid'.",
    );
    expect(isHttpParameterTypeSupported('guid')).toBe(false);
  });

  test('dotnetTypeName and isHttpParameterTypeSupported', () => {
    const names: Array<[PrimitiveName | EnumType, string]> = [
      ['int', 'System.Int32'],
      ['long', 'System.Int64'],
      ['double', 'System.Double'],
      ['decimal', 'System.Decimal'],
      ['boolean', 'System.Boolean'],
      ['dateTime', 'System.DateTime'],
      ['unsignedByte', 'System.Byte'],
      ['byte', 'System.SByte'],
      ['guid', 'System.Guid'],
      ['string', 'System.String'],
      ['char', 'System.Char'],
      ['float', 'System.Single'],
      ['short', 'System.Int16'],
      ['unsignedShort', 'System.UInt16'],
      ['unsignedInt', 'System.UInt32'],
      ['unsignedLong', 'System.UInt64'],
      [DocumentStatus, 'DocumentStatus'],
    ];
    for (const [type, name] of names) expect(dotnetTypeName(type)).toBe(name);
    const item = (type: PrimitiveName) => ({
      name: 'x',
      namespace: '',
      type: { kind: 'primitive' as const, name: type },
      minOccurs: 0,
      maxOccurs: Infinity,
      nillable: true,
    });
    expect(isHttpParameterTypeSupported({ kind: 'primitive', name: 'dateTime' })).toBe(true);
    expect(isHttpParameterTypeSupported(DocumentStatus)).toBe(true);
    expect(isHttpParameterTypeSupported({ kind: 'primitive', name: 'base64Binary' })).toBe(true);
    expect(
      isHttpParameterTypeSupported({
        kind: 'array',
        name: 'ArrayOfString',
        namespace: '',
        item: item('string'),
      }),
    ).toBe(true);
    expect(
      isHttpParameterTypeSupported({ kind: 'array', name: 'ArrayOfGuid', namespace: '', item: item('guid') }),
    ).toBe(false);
    expect(
      isHttpParameterTypeSupported({ kind: 'complex', name: 'DocumentInfo', namespace: '', members: [] }),
    ).toBe(false);
    expect(isHttpParameterTypeSupported({ kind: 'xmlNode' })).toBe(false);
  });
});

describe('convertHttpValue: DateTime.Parse with the invariant culture', () => {
  const parse = (raw: string, time?: ServerTime) => convertHttpValue('dateTime', raw, time);

  test('README: Z and offsets become server-local (Local); no zone, date only and MM/dd/yyyy are Unspecified', () => {
    expect(parse('2026-12-31T00:00:00Z')).toEqual(new DotNetDateTime(dt(2026, 12, 31), 'Local'));
    expect(parse('2026-12-31T10:00:00+02:00')).toEqual(new DotNetDateTime(dt(2026, 12, 31, 8), 'Local'));
    expect(parse('2026-12-31T10:00:00')).toEqual(new DotNetDateTime(dt(2026, 12, 31, 10), 'Unspecified'));
    expect(parse('2026-12-31')).toEqual(new DotNetDateTime(dt(2026, 12, 31), 'Unspecified'));
    expect(parse('12/31/2026 10:00')).toEqual(new DotNetDateTime(dt(2026, 12, 31, 10), 'Unspecified'));
  });

  test.each([
    ['2026-12-31 10:00:00', dt(2026, 12, 31, 10), 'Unspecified'],
    ['2026/12/31', dt(2026, 12, 31), 'Unspecified'],
    ['12/31/26', dt(2026, 12, 31), 'Unspecified'],
    ['12/31/30', dt(1930, 12, 31), 'Unspecified'],
    ['1/2/3', dt(2003, 1, 2), 'Unspecified'],
    ['12.31.2026', dt(2026, 12, 31), 'Unspecified'],
    ['12-31-2026', dt(2026, 12, 31), 'Unspecified'],
    ['12 31 2026', dt(2026, 12, 31), 'Unspecified'],
    ['0026-12-31', dt(26, 12, 31), 'Unspecified'], // four digits: the year as written
    ['12/31/2026 10:00 PM', dt(2026, 12, 31, 22), 'Unspecified'],
    ['12/31/2026 12:00 AM', dt(2026, 12, 31), 'Unspecified'],
    ['12/31/2026 13:00 PM', dt(2026, 12, 31, 13), 'Unspecified'],
    ['Dec 31 2026', dt(2026, 12, 31), 'Unspecified'],
    ['December 31, 2026', dt(2026, 12, 31), 'Unspecified'],
    ['31 Dec 2026', dt(2026, 12, 31), 'Unspecified'],
    ['31-Dec-2026', dt(2026, 12, 31), 'Unspecified'],
    ['Dec 2026', dt(2026, 12, 1), 'Unspecified'],
    ['99 Dec 31', dt(1999, 12, 31), 'Unspecified'],
    ['Thursday, December 31, 2026', dt(2026, 12, 31), 'Unspecified'],
    ['Thu, 31 Dec 2026 10:00:00 GMT', dt(2026, 12, 31, 10), 'Local'],
    ['2026-12-31 10:00:00Z', dt(2026, 12, 31, 10), 'Local'],
    ['2026-12-31 10:00:00 +02:00', dt(2026, 12, 31, 8), 'Local'],
    ['12/31/2026 10:00:00-0500', dt(2026, 12, 31, 15), 'Local'],
    ['2026-12-31T10:00:00+2', dt(2026, 12, 31, 8), 'Local'],
    ['2026-12-31+02:00', dt(2026, 12, 30, 22), 'Local'],
    ['12/31/2026 10:00:00.123', dt(2026, 12, 31, 10, 0, 0, 1230000), 'Unspecified'],
    ['2026-12-31T10:00:00.1234567Z', dt(2026, 12, 31, 10, 0, 0, 1234567), 'Local'],
    ['2026-12-31T10:00:00.1234567890Z', dt(2026, 12, 31, 10, 0, 0, 1234568), 'Local'],
    // .NET's own readings of incomplete dates (checked against Mono's DateTimeParse).
    ['31 December', dt(1931, 12, 1), 'Unspecified'],
    ['Dec 2026 10 PM', dt(2026, 12, 10, 12), 'Unspecified'],
  ] as const)('%j', (raw, ticks, kind) => expect(parse(raw)).toEqual(new DotNetDateTime(ticks, kind)));

  test('a time alone is today; a date without a year is this year (server local time)', () => {
    const time = at(fixedTimeZone(0), Date.UTC(2026, 5, 15, 12));
    expect(parse('10:00', time)).toEqual(new DotNetDateTime(dt(2026, 6, 15, 10), 'Unspecified'));
    expect(parse('10 PM', time)).toEqual(new DotNetDateTime(dt(2026, 6, 15, 22), 'Unspecified'));
    expect(parse('12/31', time)).toEqual(new DotNetDateTime(dt(2026, 12, 31), 'Unspecified'));
    expect(parse('Dec 31', time)).toEqual(new DotNetDateTime(dt(2026, 12, 31), 'Unspecified'));
    expect(parse('10:00 12/31', time)).toEqual(new DotNetDateTime(dt(2026, 12, 31, 10), 'Unspecified'));
    expect(parse('12/31 10 PM', time)).toEqual(new DotNetDateTime(dt(2026, 12, 31, 22), 'Unspecified'));
  });

  test('an offset is converted with the server zone', () => {
    expect(parse('2026-12-31T10:00:00+02:00', at(fixedTimeZone(60)))).toEqual(
      new DotNetDateTime(dt(2026, 12, 31, 9), 'Local'),
    );
    expect(parse('2026-12-31T10:00:00Z', at(fixedTimeZone(-300)))).toEqual(
      new DotNetDateTime(dt(2026, 12, 31, 5), 'Local'),
    );
  });

  test('not-a-date: the unknown word and its index (README rule 3)', () => {
    const unknown = (i: number) =>
      `System.FormatException: The string was not recognized as a valid DateTime. There is an unknown word starting at index ${i}.`;
    expect(thrown(() => parse('not-a-date'))).toBe(unknown(0));
    expect(thrown(() => parse('12/31/2026 10:00 UTC'))).toBe(unknown(17));
    expect(thrown(() => parse('2026 hello'))).toBe(unknown(5));
    // "T" is only the ISO time mark after a number.
    expect(thrown(() => parse('T10:00'))).toBe(unknown(0));
  });

  test.each([
    '',
    ' ',
    '2026-12-31T9:00:00',
    '2026-12-31T10:00:00 GMT',
    '2026-12-31T10:00:00Zx',
    '31/12/2026',
    '02/30/2026',
    '2026-02-30',
    '12/31/2026 13:00 AM',
    '123456789',
    '12/31 10:00',
    'Dec 26Z',
    '2026-12-31T10:00:00.',
    '12/31/2026 GMT+02:00',
  ])('%j: String was not recognized as a valid DateTime.', (raw) => {
    expect(thrown(() => parse(raw))).toBe(
      'System.FormatException: String was not recognized as a valid DateTime.',
    );
  });

  test('other DateTimeParse failures', () => {
    expect(thrown(() => parse('2026-02-30T10:00:00'))).toBe(
      'System.FormatException: The DateTime represented by the string is not supported in calendar System.Globalization.GregorianCalendar.',
    );
    expect(thrown(() => parse('12/31/2026 25:00'))).toBe(
      'System.FormatException: The DateTime represented by the string is not supported in calendar System.Globalization.GregorianCalendar.',
    );
    expect(thrown(() => parse('Wed, 31 Dec 2026 10:00:00 GMT'))).toBe(
      'System.FormatException: String was not recognized as a valid DateTime because the day of week was incorrect.',
    );
    expect(thrown(() => parse('9999-12-31T23:00:00-02:00'))).toBe(
      'System.FormatException: The DateTime represented by the string is out of range.',
    );
  });
});

describe('htmlEncodeMessage: HttpUtility.HtmlEncode of exception texts', () => {
  test('the five markup characters', () => {
    expect(htmlEncodeMessage(`a < b > c & "d" 'e'`)).toBe('a &lt; b &gt; c &amp; &quot;d&quot; &#39;e&#39;');
    expect(htmlEncodeMessage("Requested value 'Bogus' was not found.")).toBe(
      'Requested value &#39;Bogus&#39; was not found.',
    );
  });

  test('U+00A0 to U+00FF become decimal entities (ENTITY_ENCODE_HIGH_ASCII_CHARS); others stay', () => {
    expect(htmlEncodeMessage('café\u00a0ÿ')).toBe('caf&#233;&#160;&#255;');
    expect(htmlEncodeMessage('\u009f\u0100 – €')).toBe('\u009f\u0100 – €');
    expect(htmlEncodeMessage('line\r\nbreak')).toBe('line\r\nbreak');
  });

  test('asmxErrorText: each message encoded, the " ---> " between exceptions not (GenerateFaultString)', () => {
    const inner = new DotNetException('System.ArgumentException', "Requested value 'a<b' was not found.");
    expect(asmxErrorText(...httpConversionFailure(DocumentStatus, 'a<b', inner))).toBe(
      'System.ArgumentException: Cannot convert a&lt;b to DocumentStatus.\r\nParameter name: type ---> ' +
        'System.ArgumentException: Requested value &#39;a&lt;b&#39; was not found.',
    );
    expect(asmxErrorText({ type: 'System.Exception', message: '' })).toBe('System.Exception');
  });

  test('characters outside the BMP: raw by default (.NET 4.0 conformance), entities in 4.5 strict mode', () => {
    expect(htmlEncodeMessage('x😀y')).toBe('x😀y');
    expect(htmlEncodeMessage('x😀y', 'entity')).toBe('x&#128512;y');
    expect(htmlEncodeMessage('x\ud800y', 'entity')).toBe('x\ufffdy');
    expect(htmlEncodeMessage('x\udc00', 'entity')).toBe('x\ufffd');
  });
});

describe('request validation (CrossSiteScriptingValidation.IsDangerousString)', () => {
  test.each([
    ['<b>bold</b>', 0],
    ['a<!--', 1],
    ['</x', 0],
    ['<?xml', 0],
    ['x&#39;', 1],
    ['a < 1 & b > 2 \'q\' "d"', undefined],
    ['<', undefined],
    ['a<', undefined],
    ['<1', undefined],
    ['< b', undefined],
    ['&amp;', undefined],
    ['&', undefined],
    ['<é', undefined],
  ])('%j → %p', (value, index) => expect(dangerousIndex(value)).toBe(index));

  test('the collection is checked in order, values of a name joined with ","; __ names and NULs skipped', () => {
    expect(findDangerousValue([['description', 'a < 1 & b > 2']])).toBeUndefined();
    expect(
      findDangerousValue([
        ['tags', 'a'],
        ['path', '<i>'],
        ['TAGS', '<b>'],
      ]),
    ).toEqual({ name: 'tags', value: 'a,<b>', index: 2 });
    expect(findDangerousValue([['__VIEWSTATE', '<b>']])).toBeUndefined();
    expect(findDangerousValue([['x', '<\u0000b>']])).toEqual({ name: 'x', value: '<b>', index: 0 });
    expect(findDangerousValue([['x', '<\u0000']])).toBeUndefined();
  });

  test('the message shows 10 characters before and 20 from the markup, with "..." where cut', () => {
    expect(requestValidationMessage('QueryString', 'description', '<b>bold</b>')).toBe(
      'A potentially dangerous Request.QueryString value was detected from the client (description="<b>bold</b>").',
    );
    expect(requestValidationMessage('Form', 'd', `${'x'.repeat(15)}<script>alert(1)</script>`)).toBe(
      'A potentially dangerous Request.Form value was detected from the client (d="...xxxxxxxxxx<script>alert(1)</sc...").',
    );
    expect(requestValidationMessage('Form', 'd', `${'x'.repeat(10)}<b>`)).toBe(
      'A potentially dangerous Request.Form value was detected from the client (d="xxxxxxxxxx<b>").',
    );
  });
});

// ------------------------------------------------------------------------------------------
// The golden answers of the reference kit: every conversion they show, text for text.

interface Capture {
  readonly requestLine: string;
  readonly body: string;
  readonly expected: string;
}

function capture(name: string): Capture {
  const request = fs.readFileSync(path.join(KIT, 'requests', `${name}.http`), 'latin1');
  const expected = fs.readFileSync(path.join(KIT, 'expected', `${name}.http`), 'utf8');
  const split = request.indexOf('\r\n\r\n');
  return {
    requestLine: request.slice(0, request.indexOf('\r\n')),
    body: Buffer.from(request.slice(split + 4), 'latin1').toString('utf8'),
    expected: expected.slice(expected.indexOf('\r\n\r\n') + 4),
  };
}

/** The name/value pairs of a GET query string or POST form, URL-decoded (`+` is a space). */
function formPairs(c: Capture): Array<[string, string]> {
  const target = c.requestLine.split(' ')[1] as string;
  const query = c.requestLine.startsWith('POST') ? c.body : target.slice(target.indexOf('?') + 1);
  return [...new URLSearchParams(query)];
}

function formValue(c: Capture, name: string): string {
  return formPairs(c).find(([key]) => key === name)?.[1] as string;
}

/** The text of `<name>…</name>` (or `<name … />`) in a SOAP request. */
function elementText(c: Capture, name: string): string {
  const match = new RegExp(`<${name}(?: [^>]*)?(?:/>|>([^<]*)</${name}>)`).exec(c.body);
  if (!match) throw new Error(`no <${name}> in the request`);
  return match[1] ?? '';
}

function unescapeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

function attribute(text: string, name: string): string | undefined {
  const match = new RegExp(` ${name}="([^"]*)"`).exec(text);
  return match ? unescapeXml(match[1] as string) : undefined;
}

describe('golden answers: GET/POST conversion failures (text/plain, rule 3)', () => {
  test.each([
    ['get-SearchDocuments-bad-int', 'pageSize', 'int'],
    ['get-SearchDocuments-bad-int-bad-ticket', 'pageSize', 'int'],
    ['get-SearchDocuments-empty-int', 'pageSize', 'int'],
    ['get-SearchDocuments-hex-int', 'pageSize', 'int'],
    ['get-SearchDocuments-overflow-int', 'pageSize', 'int'],
    ['post-SearchDocuments-bad-int', 'pageSize', 'int'],
    ['get-SetDocumentExpirationDate-bad-date', 'expirationDate', 'dateTime'],
    ['post-SetDocumentExpirationDate-bad-date', 'expirationDate', 'dateTime'],
    ['get-SetDocumentStatus-bad-enum', 'status', DocumentStatus],
    ['post-SetDocumentStatus-bad-enum', 'status', DocumentStatus],
    ['get-SetDocumentStatus-lowercase', 'status', DocumentStatus],
    ['get-UploadDocument-base64', 'content', 'unsignedByte'],
    ['post-UploadDocument-base64', 'content', 'unsignedByte'],
    ['get-UploadDocument-byte-overflow', 'content', 'unsignedByte'],
  ] as const)('%s', (name, parameter, type) => {
    const c = capture(name);
    const raw = formValue(c, parameter);
    let inner: DotNetException | undefined;
    try {
      convertHttpValue(type, raw);
    } catch (error) {
      inner = error as DotNetException;
    }
    expect(inner).toBeInstanceOf(DotNetException);
    expect(asmxErrorText(...httpConversionFailure(type, raw, inner as DotNetException))).toBe(c.expected);
  });
});

describe('golden answers: GET/POST values that convert', () => {
  test.each([
    ['get-SetDocumentExpirationDate-ok'],
    ['post-SetDocumentExpirationDate-ok'],
    ['get-SetDocumentExpirationDate-offset'],
    ['get-SetDocumentExpirationDate-no-zone'],
    ['get-SetDocumentExpirationDate-date-only'],
    ['get-SetDocumentExpirationDate-us-format'],
  ])('%s: expirationDate and kind', (name) => {
    const c = capture(name);
    const value = convertHttpValue('dateTime', formValue(c, 'expirationDate'));
    expect(formatXsd('dateTime', value)).toBe(attribute(c.expected, 'expirationDate'));
    expect(value.kind).toBe(attribute(c.expected, 'kind'));
  });

  test.each([['get-SearchDocuments-plus-int'], ['get-SearchDocuments-space-int']])('%s: pageSize', (name) => {
    const c = capture(name);
    expect(formatXsd('int', convertHttpValue('int', formValue(c, 'pageSize')))).toBe(
      attribute(c.expected, 'pageSize'),
    );
  });

  test('get-SetDocumentStatus-numeric: 2 is Archived', () => {
    const c = capture('get-SetDocumentStatus-numeric');
    expect(convertHttpValue(DocumentStatus, formValue(c, 'status'))).toBe(attribute(c.expected, 'status'));
  });

  test('request validation answers (get/post-CreateFolder-request-validation, -markup-allowed)', () => {
    for (const [name, collection] of [
      ['get-CreateFolder-request-validation', 'QueryString'],
      ['post-CreateFolder-request-validation', 'Form'],
    ] as const) {
      const c = capture(name);
      const found = findDangerousValue(formPairs(c));
      expect(found).toBeDefined();
      const message = requestValidationMessage(collection, found?.name as string, found?.value as string);
      expect(asmxErrorText({ type: 'System.Web.HttpRequestValidationException', message })).toBe(c.expected);
    }
    expect(findDangerousValue(formPairs(capture('get-CreateFolder-markup-allowed')))).toBeUndefined();
  });
});

describe('golden answers: SOAP', () => {
  test.each([
    ['soap11-SearchDocuments-bad-int', 'pageSize', 'int'],
    ['soap12-SearchDocuments-bad-int', 'pageSize', 'int'],
    ['soap11-SearchDocuments-empty-int', 'pageSize', 'int'],
    ['soap11-SearchDocuments-nil-int', 'pageSize', 'int'],
    ['soap11-SearchDocuments-overflow-int', 'pageSize', 'int'],
    ['soap11-SetDocumentExpirationDate-bad-date', 'expirationDate', 'dateTime'],
    ['soap11-SetDocumentStatus-bad-enum', 'status', 'enum'],
    ['soap12-SetDocumentStatus-bad-enum', 'status', 'enum'],
    ['soap11-SetDocumentStatus-lowercase', 'status', 'enum'],
    ['soap11-SetDocumentStatus-numeric', 'status', 'enum'],
    ['soap11-UpdateDocumentInfo-bad-bool', 'CheckedOut', 'boolean'],
    ['soap11-UpdateDocumentInfo-bool-True', 'CheckedOut', 'boolean'],
    ['soap11-UpdateDocumentInfo-bad-long', 'Size', 'long'],
  ] as const)('%s: the inner exception of the fault', (name, element, type) => {
    const c = capture(name);
    const text = elementText(c, element);
    const fault = /<(?:faultstring|soap:Text xml:lang="en")>([^<]*)</.exec(c.expected)?.[1] as string;
    const inner = unescapeXml(fault.split(' ---&gt; ').pop() as string);
    expect(thrown(() => (type === 'enum' ? parseEnumXsd(DocumentStatus, text) : parseXsd(type, text)))).toBe(
      inner,
    );
  });

  test.each([
    ['soap11-SetDocumentExpirationDate-ok'],
    ['soap11-SetDocumentExpirationDate-offset'],
    ['soap11-SetDocumentExpirationDate-no-zone'],
    ['soap11-SetDocumentExpirationDate-date-only'],
    ['soap11-SetDocumentExpirationDate-fraction'],
  ])('%s: expirationDate and kind', (name) => {
    const c = capture(name);
    const value = parseXsd('dateTime', elementText(c, 'expirationDate'));
    expect(formatXsd('dateTime', value)).toBe(attribute(c.expected, 'expirationDate'));
    expect(value.kind).toBe(attribute(c.expected, 'kind'));
  });

  test.each([['soap11-SearchDocuments-plus-int'], ['soap11-SearchDocuments-space-int']])(
    '%s: pageSize',
    (name) => {
      const c = capture(name);
      expect(formatXsd('int', parseXsd('int', elementText(c, 'pageSize')))).toBe(
        attribute(c.expected, 'pageSize'),
      );
    },
  );

  test.each([['soap11-UpdateDocumentInfo-bool-0'], ['soap11-UpdateDocumentInfo-bool-1']])(
    '%s: CheckedOut',
    (name) => {
      const c = capture(name);
      expect(formatXsd('boolean', parseXsd('boolean', elementText(c, 'CheckedOut')))).toBe(
        attribute(c.expected, 'checkedOut'),
      );
    },
  );

  test.each([
    ['soap11-UploadDocument-ok'],
    ['soap11-UploadDocument-base64-unpadded'],
    ['soap11-UploadDocument-base64-partial'],
    ['soap11-UploadDocument-base64-whitespace'],
  ])('%s: size and md5 of the content', (name) => {
    const c = capture(name);
    const bytes = parseXsd('base64Binary', elementText(c, 'content'));
    expect(String(bytes.length)).toBe(attribute(c.expected, 'size'));
    const md5 = crypto.createHash('md5').update(bytes).digest('hex');
    expect(md5).toBe(attribute(c.expected, 'md5'));
  });

  test.each([['soap11-UploadDocument-bad-base64'], ['soap11-UploadDocument-base64-inner-padding']])(
    '%s: InvalidBase64 (the 400 answer)',
    (name) => {
      const c = capture(name);
      expect(c.expected).toBe('');
      expect(thrown(() => parseXsd('base64Binary', elementText(c, 'content')))).toBe('InvalidBase64');
    },
  );

  test('typed results: double 1/3, long 2^53+1, decimal 1234.50, DateTime and Guid', () => {
    const result = (name: string, element: string) =>
      new RegExp(`<${element}>([^<]*)</${element}>`).exec(capture(name).expected)?.[1];
    expect(formatXsd('double', 1 / 3)).toBe(result('soap11-GetQuotaFraction-ok', 'GetQuotaFractionResult'));
    expect(formatXsd('long', 9007199254740993n)).toBe(
      result('soap11-GetStorageUsed-ok', 'GetStorageUsedResult'),
    );
    expect(formatXsd('decimal', '1234.50')).toBe(result('soap11-GetStorageCost-ok', 'GetStorageCostResult'));
    expect(formatXsd('dateTime', new DotNetDateTime(dt(2026, 1, 15, 9, 30), 'Utc'))).toBe(
      result('soap11-GetServerTime-ok', 'GetServerTimeResult'),
    );
    expect(formatXsd('guid', '0F8FAD5B-D9CB-469F-A165-70867728950E')).toBe(
      result('soap11-GetDocumentGuid-ok', 'GetDocumentGuidResult'),
    );
  });
});

describe('NumberToDouble tables', () => {
  test('the powers of ten are exact and normalised', () => {
    const { POWERS_OF_10, POWERS_OF_10_EXPONENTS } = NUMBER_TO_DOUBLE_TABLES;
    for (let i = 1; i <= 15; i++) {
      const exponent = POWERS_OF_10_EXPONENTS[i - 1] as number;
      expect((10n ** BigInt(i)) << BigInt(64 - exponent)).toBe(POWERS_OF_10[i - 1]);
    }
  });
});

// ------------------------------------------------------------------------------------------
// Properties

const INTEGER_BOUNDS: Partial<Record<PrimitiveName, readonly [bigint, bigint]>> = {
  byte: [-128n, 127n],
  unsignedByte: [0n, 255n],
  short: [-32768n, 32767n],
  unsignedShort: [0n, 65535n],
  int: [-2147483648n, 2147483647n],
  unsignedInt: [0n, 4294967295n],
  long: [-9223372036854775808n, 9223372036854775807n],
  unsignedLong: [0n, 18446744073709551615n],
};

/** How many doubles apart two finite numbers of the same sign are. */
function ulpDistance(a: number, b: number): bigint {
  const view = new DataView(new ArrayBuffer(16));
  view.setFloat64(0, a);
  view.setFloat64(8, b);
  const x = view.getBigInt64(0);
  const y = view.getBigInt64(8);
  return x > y ? x - y : y - x;
}

const PROPERTY_RUNS = 400;

describe('properties', () => {
  test('integers survive formatXsd → parseXsd', () => {
    for (const [type, [min, max]] of Object.entries(INTEGER_BOUNDS) as Array<
      [PrimitiveName, [bigint, bigint]]
    >) {
      fc.assert(
        fc.property(fc.bigInt({ min, max }), (value) => {
          const back = parseXsd(type, formatXsd(type, value));
          expect(BigInt(back as number | bigint)).toBe(value);
        }),
        { seed: SEED, numRuns: PROPERTY_RUNS },
      );
    }
  });

  test('doubles and floats survive formatXsd → parseXsd (to within the one unit .NET Framework x64 can lose)', () => {
    fc.assert(
      fc.property(fc.double(), (value) => {
        const back = parseXsd('double', formatXsd('double', value));
        if (Number.isNaN(value)) return expect(back).toBeNaN();
        if (!Number.isFinite(value) || Object.is(back, value)) return;
        expect(Math.sign(back)).toBe(Math.sign(value));
        expect(ulpDistance(back, value)).toBeLessThanOrEqual(1n);
      }),
      { seed: SEED, numRuns: PROPERTY_RUNS * 5 },
    );
    fc.assert(
      fc.property(fc.float({ noNaN: true }), (value) => {
        const back = parseXsd('float', formatXsd('float', value));
        expect(Object.is(back, value) || Math.abs(back - value) <= Math.abs(value) * 2 ** -23).toBe(true);
      }),
      { seed: SEED, numRuns: PROPERTY_RUNS },
    );
  });

  test('decimals, booleans, guids, chars, strings and bytes survive formatXsd → parseXsd', () => {
    const decimalText = fc
      .tuple(
        fc.boolean(),
        fc.bigInt({ min: 0n, max: 79228162514264337593543950335n }),
        fc.integer({ min: 0, max: 28 }),
      )
      .map(([negative, magnitude, scale]) => {
        let digits = magnitude.toString().padStart(scale + 1, '0');
        if (scale > 0)
          digits = `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
        return negative && magnitude !== 0n ? `-${digits}` : digits;
      });
    fc.assert(
      fc.property(decimalText, (text) => expect(parseXsd('decimal', formatXsd('decimal', text))).toBe(text)),
      { seed: SEED, numRuns: PROPERTY_RUNS },
    );
    fc.assert(
      fc.property(fc.boolean(), (value) =>
        expect(parseXsd('boolean', formatXsd('boolean', value))).toBe(value),
      ),
      { seed: SEED, numRuns: 10 },
    );
    fc.assert(
      fc.property(fc.uuid({ version: [1, 2, 3, 4, 5] }), fc.boolean(), (uuid, upper) => {
        const text = upper ? uuid.toUpperCase() : uuid;
        expect(parseXsd('guid', formatXsd('guid', text))).toBe(uuid.toLowerCase());
      }),
      { seed: SEED, numRuns: PROPERTY_RUNS },
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff }), (code) =>
        expect(parseXsd('char', formatXsd('char', code))).toBe(code),
      ),
      { seed: SEED, numRuns: PROPERTY_RUNS },
    );
    fc.assert(
      fc.property(fc.string(), (text) => expect(parseXsd('string', formatXsd('string', text))).toBe(text)),
      { seed: SEED, numRuns: PROPERTY_RUNS },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        expect([...parseXsd('base64Binary', formatXsd('base64Binary', bytes))]).toEqual([...bytes]);
      }),
      { seed: SEED, numRuns: PROPERTY_RUNS },
    );
  });

  test('dateTimes survive formatXsd → parseXsd, ticks and kind (TZ=UTC and an injected +05:30 zone)', () => {
    for (const time of [processServerTime, at(fixedTimeZone(330))]) {
      fc.assert(
        fc.property(
          fc.bigInt({ min: 0n, max: MAX_TICKS }),
          fc.constantFrom('Utc', 'Local', 'Unspecified'),
          (ticks, kind) => {
            const value = new DotNetDateTime(ticks, kind as 'Utc' | 'Local' | 'Unspecified');
            const back = parseXsd('dateTime', formatXsd('dateTime', value, time), time);
            // A Local value near the ends of the calendar may not fit once shifted to UTC and back.
            const edge =
              kind === 'Local' && (ticks < 864_000_000_000n || ticks > MAX_TICKS - 864_000_000_000n);
            if (!edge) expect(back).toEqual(value);
          },
        ),
        { seed: SEED, numRuns: PROPERTY_RUNS },
      );
    }
  });

  test('enums survive formatEnum → parseEnumXsd and Enum.Parse', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 }), (index) => {
        const name = formatEnum(DocumentStatus, index);
        expect(parseEnumXsd(DocumentStatus, name)).toBe(DocumentStatus.members[index]);
        expect(convertHttpValue(DocumentStatus, name)).toBe(name);
        expect(convertHttpValue(DocumentStatus, String(index))).toBe(name);
      }),
      { seed: SEED, numRuns: 30 },
    );
  });

  /** Strings made to look like the values the parsers read, and random ones. */
  const text = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: 20 }),
    fc
      .array(
        fc.constantFrom(
          ...'0123456789+-.,:/ TZtzeE=ABCxyz{}()\u0000\u00a0\t\nDecPMAMThuGMT'.split(''),
          '0x',
          'INF',
          'NaN',
        ),
        { maxLength: 30 },
      )
      .map((parts) => parts.join('')),
  );
  const ALL_TYPES: PrimitiveName[] = [
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
  const onlyDotNetErrors = (call: () => unknown): void => {
    try {
      call();
    } catch (error) {
      if (!(error instanceof DotNetException) && !(error instanceof InvalidBase64)) throw error;
      expect(error.message.length).toBeGreaterThan(0);
    }
  };

  test('random strings make the parsers throw nothing but DotNetException (or InvalidBase64)', () => {
    fc.assert(
      fc.property(text, fc.constantFrom(...ALL_TYPES), (value, type) => {
        onlyDotNetErrors(() => parseXsd(type, value));
        onlyDotNetErrors(() => convertHttpValue(type, value));
        onlyDotNetErrors(() => parseEnumXsd(DocumentStatus, value));
        onlyDotNetErrors(() => convertHttpValue(DocumentStatus, value));
      }),
      { seed: SEED, numRuns: PROPERTY_RUNS * 10 },
    );
  });

  test('a parsed value always formats, and formats to text that parses to the same value', () => {
    fc.assert(
      fc.property(text, fc.constantFrom(...ALL_TYPES), (value, type) => {
        let parsed: unknown;
        try {
          parsed = parseXsd(type, value);
        } catch {
          return;
        }
        const again = parseXsd(type, formatXsd(type, parsed));
        if (type === 'double' || type === 'float') {
          if (Number.isNaN(parsed)) expect(again).toBeNaN();
          else if (!Object.is(again, parsed))
            expect(ulpDistance(again as number, parsed as number)).toBeLessThanOrEqual(1n);
        } else {
          expect(again).toEqual(parsed);
        }
      }),
      { seed: SEED, numRuns: PROPERTY_RUNS * 10 },
    );
  });
});
