/**
 * How XmlSerializer reads and writes the text of each XSD primitive in a SOAP message
 * (System.Xml.XmlConvert and XmlCustomFormatter of .NET Framework 4.x), between the element text
 * and the JavaScript values of `values.ts`. Reading throws {@link DotNetException} with .NET's
 * exception type and message (the inner exception of ASMX's "Server was unable to read request"
 * fault), or {@link InvalidBase64} for base64 that is not base64 (ASMX answers HTTP 400).
 */
import type { EnumType, PrimitiveName } from '../contract/model';
import { DotNetException, DotNetMessages, DotNetTypes, formatError } from './dotnetException';
import { parseDotNetGuid } from './dotnetGuid';
import {
  decimalFromDouble,
  formatDoubleRoundTrip,
  formatDotNetDecimal,
  formatSingleRoundTrip,
  INTEGER_RANGES,
  NumberStyles,
  parseDotNetDecimal,
  parseDotNetDouble,
  parseDotNetInteger,
  parseDotNetSingle,
  type IntegerKind,
} from './dotnetNumber';
import { processServerTime, type ServerTime } from './serverTimeZone';
import { DotNetDateTime } from './values';
import { formatXsdDateTime, parseXsdDateTime } from './xsdDateTime';

/** The JavaScript value of each XSD primitive once read (see `values.ts`). */
export interface XsdValues {
  string: string;
  boolean: boolean;
  byte: number;
  unsignedByte: number;
  short: number;
  unsignedShort: number;
  int: number;
  unsignedInt: number;
  long: bigint;
  unsignedLong: bigint;
  float: number;
  double: number;
  decimal: string;
  dateTime: DotNetDateTime;
  guid: string;
  char: number;
  base64Binary: Buffer;
}

/**
 * base64Binary text that XmlReader.ReadElementContentAsBase64 refuses (a character outside the
 * base64 alphabet, or data after `=` padding). Not a DotNetException: XmlSerializer does not turn
 * it into a fault — ASMX answers HTTP 400 with an empty body.
 */
export class InvalidBase64 extends Error {
  override readonly name = 'InvalidBase64';
  readonly kind = 'InvalidBase64';
  constructor(readonly text: string) {
    super(DotNetMessages.xmlInvalidBase64(text));
  }
}

/** A result value that has no XSD text for its type: a programming error of the handler that returned it. */
export class UnwritableValueError extends TypeError {
  override readonly name = 'UnwritableValueError';
}

/** XmlConvert.WhitespaceChars: what XmlConvert.TrimString removes (XML whitespace only). */
function trimXmlWhitespace(text: string): string {
  return text.replace(/^[ \t\n\r]+|[ \t\n\r]+$/g, '');
}

const SIGNED =
  NumberStyles.AllowLeadingSign | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite;
// XmlConvert.ToByte / ToUInt16 / ToUInt32 / ToUInt64 do not allow a sign: "+1" is a FormatException.
const UNSIGNED = NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite;
const FLOATING = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent;
const DECIMAL = SIGNED | NumberStyles.AllowDecimalPoint;

const INTEGERS: Partial<Record<PrimitiveName, { readonly kind: IntegerKind; readonly styles: number }>> = {
  byte: { kind: 'SByte', styles: SIGNED },
  unsignedByte: { kind: 'Byte', styles: UNSIGNED },
  short: { kind: 'Int16', styles: SIGNED },
  unsignedShort: { kind: 'UInt16', styles: UNSIGNED },
  int: { kind: 'Int32', styles: SIGNED },
  unsignedInt: { kind: 'UInt32', styles: UNSIGNED },
  long: { kind: 'Int64', styles: SIGNED },
  unsignedLong: { kind: 'UInt64', styles: UNSIGNED },
};

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE64_VALUES: ReadonlyMap<number, number> = new Map(
  [...BASE64_ALPHABET].map((ch, i) => [ch.charCodeAt(0), i] as const),
);

function isXmlWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

/**
 * System.Xml.Base64Decoder, as ReadElementContentAsBase64 uses it: XML whitespace anywhere is
 * ignored, padding is optional, bits that do not fill a last byte are dropped (`SGVsbG8` is 5
 * bytes, `A` is none), and after the first `=` only `=` and whitespace may follow.
 */
export function decodeBase64Lenient(text: string): Buffer {
  const bytes: number[] = [];
  let bits = 0;
  let filled = 0;
  let i = 0;
  for (; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x3d) break;
    if (isXmlWhitespace(code)) continue;
    const digit = BASE64_VALUES.get(code);
    if (digit === undefined) throw new InvalidBase64(text);
    bits = ((bits << 6) | digit) & 0xffff;
    filled += 6;
    if (filled >= 8) {
      bytes.push((bits >> (filled - 8)) & 0xff);
      filled -= 8;
    }
  }
  while (i < text.length && text.charCodeAt(i) === 0x3d) i++;
  for (; i < text.length; i++) if (!isXmlWhitespace(text.charCodeAt(i))) throw new InvalidBase64(text);
  return Buffer.from(bytes);
}

/**
 * The value XmlSerializer reads from the text of an element of XSD type `type`, or the .NET
 * exception it throws. `time` is the server's time zone and clock (dateTime only).
 */
export function parseXsd<T extends PrimitiveName>(type: T, text: string, time?: ServerTime): XsdValues[T];
export function parseXsd(type: PrimitiveName, text: string, time: ServerTime = processServerTime): unknown {
  const integer = INTEGERS[type];
  if (integer) {
    const value = parseDotNetInteger(text, integer.styles, integer.kind);
    return type === 'long' || type === 'unsignedLong' ? value : Number(value);
  }
  switch (type) {
    case 'string':
      return text;
    case 'boolean': {
      const trimmed = trimXmlWhitespace(text);
      if (trimmed === 'true' || trimmed === '1') return true;
      if (trimmed === 'false' || trimmed === '0') return false;
      throw formatError(DotNetMessages.xmlBadFormat(trimmed, 'Boolean'));
    }
    case 'float':
    case 'double': {
      // XmlConvert.ToSingle / ToDouble: INF and -INF are XML Schema's; "-0" stays negative zero.
      const trimmed = trimXmlWhitespace(text);
      if (trimmed === 'INF') return Infinity;
      if (trimmed === '-INF') return -Infinity;
      const value =
        type === 'float'
          ? parseDotNetSingle(trimmed, FLOATING)
          : parseDotNetDouble(
              trimmed,
              FLOATING | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite,
            );
      return value === 0 && trimmed.startsWith('-') ? -0 : value;
    }
    case 'decimal':
      return formatDotNetDecimal(parseDotNetDecimal(text, DECIMAL));
    case 'dateTime':
      return parseXsdDateTime(text, time);
    case 'guid':
      return parseDotNetGuid(text);
    case 'char':
      // XmlCustomFormatter.ToChar: (char)XmlConvert.ToUInt16(text) — the code unit as a number.
      return Number(parseDotNetInteger(text, UNSIGNED, 'UInt16'));
    case 'base64Binary':
      return decodeBase64Lenient(text);
    default:
      throw new TypeError(`not an XSD primitive: ${String(type)}`);
  }
}

/**
 * The member XmlSerializer's generated reader maps the text to: member names only, compared
 * exactly (`archived`, `2` and ` Draft` all fail).
 */
export function parseEnumXsd(type: EnumType, text: string): string {
  if (type.members.includes(text)) return text;
  throw new DotNetException(DotNetTypes.invalidOperation, DotNetMessages.xmlUnknownConstant(text, type.name));
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'bigint') return `the bigint ${value}n`;
  if (typeof value === 'object') return `a value of type ${value.constructor?.name ?? 'object'}`;
  return `the ${typeof value} ${String(value)}`;
}

function unwritable(type: string, expected: string, value: unknown): UnwritableValueError {
  return new UnwritableValueError(`expected ${expected} for ${type}, got ${describe(value)}`);
}

function integerText(type: PrimitiveName, kind: IntegerKind, value: unknown): string {
  if (typeof value === 'string') return value;
  let big: bigint;
  if (typeof value === 'number' && Number.isInteger(value)) big = BigInt(value);
  else if (typeof value === 'bigint') big = value;
  else throw unwritable(type, 'an integer number, a bigint or a string', value);
  const [min, max] = INTEGER_RANGES[kind];
  if (big < min || big > max) throw new UnwritableValueError(`${big} is out of the range of ${type}`);
  return big.toString();
}

function floatingText(type: 'float' | 'double', value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value !== 'number') throw unwritable(type, 'a number or a string', value);
  // XmlConvert.ToString(Double/Single): XML Schema's INF and -INF, "-0", else the R format.
  const v = type === 'float' ? Math.fround(value) : value;
  if (v === Infinity) return 'INF';
  if (v === -Infinity) return '-INF';
  if (Object.is(v, -0)) return '-0';
  return type === 'float' ? formatSingleRoundTrip(v) : formatDoubleRoundTrip(v);
}

function decimalText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint') {
    if (value > 79228162514264337593543950335n || value < -79228162514264337593543950335n) {
      throw new UnwritableValueError(`${value} is out of the range of decimal`);
    }
    return value.toString();
  }
  if (typeof value === 'number') {
    // What (decimal)aDouble gives in C#: 15 significant digits.
    const decimal = decimalFromDouble(value);
    if (!decimal) throw new UnwritableValueError(`${value} is not a decimal`);
    return formatDotNetDecimal(decimal);
  }
  throw unwritable('decimal', 'a string, a number or a bigint', value);
}

function base64Text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array)
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (value instanceof ArrayBuffer) return Buffer.from(value).toString('base64');
  throw unwritable('base64Binary', 'a Buffer, a Uint8Array or base64 text', value);
}

function dateTimeText(value: unknown, time: ServerTime): string {
  if (value instanceof DotNetDateTime) return formatXsdDateTime(value.ticks, value.kind, time);
  if (typeof value === 'string') return value;
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new UnwritableValueError('an invalid Date is not a dateTime');
    return formatXsdDateTime(DotNetDateTime.fromDate(value).ticks, 'Utc', time);
  }
  throw unwritable('dateTime', 'a DotNetDateTime, a Date or a string', value);
}

/**
 * The text XmlSerializer writes for `value` as XSD type `type` (not XML-escaped), accepting the
 * result forms of `values.ts`: a string is written as it is for the number types, long, decimal
 * and dateTime; a number or bigint for the integer types; a JavaScript Date is a Utc dateTime;
 * a Buffer, Uint8Array or base64 text for base64Binary. Throws {@link UnwritableValueError} for a
 * value that has no text of that type.
 */
export function formatXsd(type: PrimitiveName, value: unknown, time: ServerTime = processServerTime): string {
  const integer = INTEGERS[type];
  if (integer) return integerText(type, integer.kind, value);
  switch (type) {
    case 'string':
      if (typeof value === 'string') return value;
      throw unwritable(type, 'a string', value);
    case 'boolean':
      if (typeof value === 'boolean') return value ? 'true' : 'false';
      throw unwritable(type, 'a boolean', value);
    case 'float':
    case 'double':
      return floatingText(type, value);
    case 'decimal':
      return decimalText(value);
    case 'dateTime':
      return dateTimeText(value, time);
    case 'guid':
      if (typeof value === 'string') {
        try {
          // Guid.ToString(): the lower-case D form, whatever form the handler wrote.
          return parseDotNetGuid(value);
        } catch {
          throw unwritable(type, 'a Guid string', value);
        }
      }
      throw unwritable(type, 'a string', value);
    case 'char':
      // XmlCustomFormatter.FromChar: the code unit as a number.
      if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0xffff)
        return String(value);
      if (typeof value === 'string' && value.length === 1) return String(value.charCodeAt(0));
      throw unwritable(type, 'a UTF-16 code unit (0-65535) or a one-character string', value);
    case 'base64Binary':
      return base64Text(value);
    default:
      throw new UnwritableValueError(`not an XSD primitive: ${String(type)}`);
  }
}

/**
 * The member name XmlSerializer writes for an enum value: a member name as it is, or a number
 * (or numeric string) mapped to the member with that index. A number that names no member fails
 * the way .NET does (InvalidOperationException "Instance validation error: '5' is not a valid
 * value for DocumentStatus.").
 */
export function formatEnum(type: EnumType, value: unknown): string {
  if (typeof value === 'string' && type.members.includes(value)) return value;
  let index: bigint | undefined;
  if (typeof value === 'number' && Number.isInteger(value)) index = BigInt(value);
  else if (typeof value === 'bigint') index = value;
  else if (typeof value === 'string' && /^-?\d+$/.test(value)) index = BigInt(value);
  if (index === undefined) throw unwritable(type.name, `one of ${type.members.join(', ')}`, value);
  const member = index >= 0n && index < BigInt(type.members.length) ? type.members[Number(index)] : undefined;
  if (member === undefined) {
    throw new DotNetException(
      DotNetTypes.invalidOperation,
      DotNetMessages.xmlUnknownConstant(String(index), type.name),
    );
  }
  return member;
}
