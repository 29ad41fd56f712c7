/**
 * How ASMX converts an HTTP GET query-string or POST form value to a parameter of the method
 * (System.Web.Services.Protocols.ScalarFormatter.FromString): a string as it is, an enum by
 * Enum.Parse, everything else by Convert.ChangeType(value, type, InvariantCulture) — that is
 * Int32.Parse(NumberStyles.Integer), Double.Parse(Float | AllowThousands),
 * Decimal.Parse(NumberStyles.Number), Boolean.Parse, Char.Parse and DateTime.Parse.
 *
 * {@link convertHttpValue} throws the .NET exception of the conversion itself; ASMX wraps it in
 * `System.ArgumentException: Cannot convert VALUE to TYPE.` (see {@link httpConversionFailure}).
 */
import type { EnumType, PrimitiveName, TypeModel } from '../contract/model';
import { parseDotNetDateTime } from './dateTimeParse';
import { dotnetTrim, isDotNetDigit, isDotNetWhiteSpace } from './dotnetChars';
import { DotNetException, DotNetMessages, DotNetTypes, formatError } from './dotnetException';
import {
  formatDotNetDecimal,
  NumberStyles,
  parseDotNetDecimal,
  parseDotNetDouble,
  parseDotNetInteger,
  parseDotNetSingle,
  INTEGER_KINDS,
} from './dotnetNumber';
import { processServerTime, type ServerTime } from './serverTimeZone';
import type { XsdValues } from './xmlConvert';

const TYPE_NAMES: Readonly<Record<PrimitiveName, string>> = {
  string: 'System.String',
  boolean: 'System.Boolean',
  byte: 'System.SByte',
  unsignedByte: 'System.Byte',
  short: 'System.Int16',
  unsignedShort: 'System.UInt16',
  int: 'System.Int32',
  unsignedInt: 'System.UInt32',
  long: 'System.Int64',
  unsignedLong: 'System.UInt64',
  float: 'System.Single',
  double: 'System.Double',
  decimal: 'System.Decimal',
  dateTime: 'System.DateTime',
  guid: 'System.Guid',
  char: 'System.Char',
  // byte[] is read as an array of Byte over GET/POST: each occurrence is converted to System.Byte.
  base64Binary: 'System.Byte',
};

/**
 * The .NET type name ASMX's conversion error names (Type.FullName): `System.Int32`, …; an enum
 * declared without a namespace is its plain name (`DocumentStatus`). For base64Binary (byte[]) it
 * is the element type, `System.Byte`, since ASMX converts each item.
 */
export function dotnetTypeName(type: PrimitiveName | EnumType): string {
  return typeof type === 'string' ? TYPE_NAMES[type] : type.name;
}

/**
 * ScalarFormatter.IsTypeSupported (and ArrayFormatter for arrays of those): whether ASMX's HTTP
 * GET/POST protocols can read a parameter of this type. Guid, complex types, XmlNode and arrays
 * of anything but the scalars are not (such a method is not offered over GET/POST).
 */
export function isHttpParameterTypeSupported(type: TypeModel | PrimitiveName | EnumType): boolean {
  if (typeof type === 'string') return type !== 'guid';
  switch (type.kind) {
    case 'primitive':
      return type.name !== 'guid';
    case 'enum':
      return true;
    case 'array': {
      const item = type.item.type;
      return (
        item.kind === 'enum' ||
        (item.kind === 'primitive' && item.name !== 'guid' && item.name !== 'base64Binary')
      );
    }
    default:
      return false;
  }
}

/** What convertHttpValue gives for each type (base64Binary: one byte of the array). */
export type HttpValues = Omit<XsdValues, 'base64Binary'> & { base64Binary: number };

/**
 * ScalarFormatter.FromString(raw, type) without its ArgumentException wrapper: the value the
 * method receives, or the .NET exception of the conversion (FormatException,
 * OverflowException, ArgumentException for an enum, InvalidCastException for Guid).
 */
export function convertHttpValue<T extends PrimitiveName>(
  type: T,
  raw: string,
  time?: ServerTime,
): HttpValues[T];
export function convertHttpValue(type: EnumType, raw: string, time?: ServerTime): string;
export function convertHttpValue(type: PrimitiveName | EnumType, raw: string, time?: ServerTime): unknown;
export function convertHttpValue(
  type: PrimitiveName | EnumType,
  raw: string,
  time: ServerTime = processServerTime,
): unknown {
  if (typeof type !== 'string') return parseDotNetEnum(type, raw);
  const integer = INTEGER_KINDS[type] ?? (type === 'base64Binary' ? 'Byte' : undefined);
  if (integer) {
    const value = parseDotNetInteger(raw, NumberStyles.Integer, integer);
    return type === 'long' || type === 'unsignedLong' ? value : Number(value);
  }
  switch (type) {
    case 'string':
      return raw;
    case 'boolean':
      return parseDotNetBoolean(raw);
    case 'char':
      // Char.Parse: exactly one UTF-16 code unit; the value is its number.
      if (raw.length !== 1) throw formatError(DotNetMessages.needSingleChar);
      return raw.charCodeAt(0);
    case 'float':
      return parseDotNetSingle(raw, NumberStyles.Float | NumberStyles.AllowThousands);
    case 'double':
      return parseDotNetDouble(raw, NumberStyles.Float | NumberStyles.AllowThousands);
    case 'decimal':
      return formatDotNetDecimal(parseDotNetDecimal(raw, NumberStyles.Number));
    case 'dateTime':
      return parseDotNetDateTime(raw, time);
    case 'guid':
      // Convert.ChangeType has no string → Guid conversion (and ASMX does not offer such methods).
      throw new DotNetException(
        DotNetTypes.invalidCast,
        DotNetMessages.invalidCast('System.String', 'System.Guid'),
      );
    default:
      throw new TypeError(`not an XSD primitive: ${String(type)}`);
  }
}

/**
 * The text/plain body ASMX answers a conversion failure with, HTML-encoded as it writes it (each
 * message encoded, the ` ---> ` between them not):
 * `System.ArgumentException: Cannot convert abc to System.Int32.` CRLF
 * `Parameter name: type ---> System.FormatException: Input string was not in a correct format.`
 */
export function httpConversionFailure(
  type: PrimitiveName | EnumType,
  raw: string,
  inner: DotNetException,
): ExceptionChain {
  return [
    { type: DotNetTypes.argument, message: DotNetMessages.cannotConvert(raw, dotnetTypeName(type)) },
    { type: inner.type, message: inner.message },
  ];
}

/** A .NET exception and its inner exceptions, outermost first, as ASMX writes them joined by ` ---> `. */
export type ExceptionChain = ReadonlyArray<{ readonly type: string; readonly message: string }>;

/** Boolean.Parse: `true` / `false` in any case, after trimming whitespace and NUL characters. */
export function parseDotNetBoolean(raw: string): boolean {
  let start = 0;
  let end = raw.length;
  const trimmable = (code: number): boolean => code === 0 || isDotNetWhiteSpace(code);
  while (start < end && trimmable(raw.charCodeAt(start))) start++;
  while (end > start && trimmable(raw.charCodeAt(end - 1))) end--;
  const value = raw.slice(start, end).toLowerCase();
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw formatError(DotNetMessages.badBoolean);
}

/**
 * Enum.Parse(type, raw) (case-sensitive) for an enum whose members are numbered by position:
 * surrounding whitespace is ignored; a value starting with a digit or sign is read as an Int32
 * (`2` → Archived; a number that names no member stays that number, as a string); otherwise
 * comma-separated member names, combined with OR as .NET does even for a non-flags enum.
 */
export function parseDotNetEnum(type: EnumType, raw: string): string {
  const value = dotnetTrim(raw);
  if (value.length === 0) throw new DotNetException(DotNetTypes.argument, DotNetMessages.mustContainEnumInfo);
  const nameOf = (n: bigint): string =>
    n >= 0n && n < BigInt(type.members.length) ? (type.members[Number(n)] as string) : n.toString();
  const first = value.charCodeAt(0);
  if (isDotNetDigit(first) || first === 0x2d || first === 0x2b) {
    try {
      return nameOf(parseDotNetInteger(value, NumberStyles.Integer, 'Int32'));
    } catch (error) {
      // A FormatException means "try it as names" ("3D" could be a member); an overflow escapes.
      if (!(error instanceof DotNetException) || error.type !== DotNetTypes.format) throw error;
    }
  }
  let result = 0n;
  for (const part of value.split(',')) {
    const index = type.members.indexOf(dotnetTrim(part));
    if (index < 0) throw new DotNetException(DotNetTypes.argument, DotNetMessages.enumValueNotFound(value));
    result |= BigInt(index);
  }
  return nameOf(result);
}
