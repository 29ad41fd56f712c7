/**
 * XmlSerializer's text of each XSD primitive, for the result encoders (`encodeResult.ts`).
 *
 * A stand-in for `formatXsd` of `xmlConvert.ts`: every call of the encoders goes through
 * {@link primitiveText}, so swapping the implementation is a one-line change.
 *
 * The text is NOT escaped: the caller escapes it for its place in the document.
 */
import type { PrimitiveName } from '../contract/model';
import { DotNetDateTime } from './values';

/** A result value the encoders cannot write (a programming error of the handler that returned it). */
export class ResultEncodingError extends Error {
  override readonly name = 'ResultEncodingError';
  /** Where in the result the bad value sits, outermost first (filled in while the error travels up). */
  readonly path: string[] = [];
}

/** A short description of a value for error messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'bigint') return `the bigint ${value}n`;
  if (typeof value === 'number' || typeof value === 'boolean') return `the ${typeof value} ${String(value)}`;
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Date) return 'a Date';
  return `a value of type ${typeof value === 'object' ? (value.constructor?.name ?? 'object') : typeof value}`;
}

function unexpected(type: string, accepted: string, value: unknown): ResultEncodingError {
  return new ResultEncodingError(`expected ${accepted} for ${type}, got ${describeValue(value)}`);
}

interface IntegerRange {
  readonly min: bigint;
  readonly max: bigint;
}

const INTEGER_RANGES: Readonly<Record<string, IntegerRange>> = {
  byte: { min: -128n, max: 127n },
  unsignedByte: { min: 0n, max: 255n },
  short: { min: -32768n, max: 32767n },
  unsignedShort: { min: 0n, max: 65535n },
  int: { min: -2147483648n, max: 2147483647n },
  unsignedInt: { min: 0n, max: 4294967295n },
  long: { min: -9223372036854775808n, max: 9223372036854775807n },
  unsignedLong: { min: 0n, max: 18446744073709551615n },
};

/** An integer type: a number or bigint in range, or a string taken verbatim. */
function integerText(type: PrimitiveName, value: unknown): string {
  if (typeof value === 'string') return value;
  const range = INTEGER_RANGES[type] as IntegerRange;
  let big: bigint;
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw unexpected(type, 'an integer', value);
    // Small integers: String() is exact and fast; BigInt() keeps large ones out of `1e+21` form.
    if (Number.isSafeInteger(value) && value >= Number(range.min) && value <= Number(range.max)) {
      return String(value);
    }
    big = BigInt(value);
  } else if (typeof value === 'bigint') {
    big = value;
  } else {
    throw unexpected(type, 'a number, a bigint or a string', value);
  }
  if (big < range.min || big > range.max) {
    throw new ResultEncodingError(`${String(value)} is out of the range of ${type}`);
  }
  return big.toString();
}

/**
 * .NET's `G`-style layout of a number given as `toExponential` text: fixed-point when the
 * decimal exponent is in [-5, precision), else `d.dddE+XX` (at least two exponent digits);
 * trailing zeros of the digits are dropped.
 */
function layoutGeneral(exponential: string, precision: number): string {
  const negative = exponential.charCodeAt(0) === 0x2d;
  const body = negative ? exponential.slice(1) : exponential;
  const e = body.indexOf('e');
  const exponent = Number(body.slice(e + 1));
  let digits = body.charAt(0) + body.slice(2, e); // toExponential(n>0) always writes "d.ddd"
  let end = digits.length;
  while (end > 1 && digits.charCodeAt(end - 1) === 0x30) end--;
  digits = digits.slice(0, end);
  let text: string;
  if (exponent > -5 && exponent < precision) {
    if (exponent >= 0) {
      const integerDigits = exponent + 1;
      text =
        digits.length <= integerDigits
          ? digits.padEnd(integerDigits, '0')
          : `${digits.slice(0, integerDigits)}.${digits.slice(integerDigits)}`;
    } else {
      text = `0.${'0'.repeat(-exponent - 1)}${digits}`;
    }
  } else {
    const mantissa = digits.length > 1 ? `${digits.charAt(0)}.${digits.slice(1)}` : digits;
    const abs = Math.abs(exponent);
    text = `${mantissa}E${exponent < 0 ? '-' : '+'}${abs < 10 ? `0${abs}` : abs}`;
  }
  return negative ? `-${text}` : text;
}

/**
 * `Double.ToString("R")` of .NET Framework (what XmlConvert writes): 15 significant digits when
 * they read back as the same double, else 17 (`0.33333333333333331` for 1/3). INF, -INF, NaN as
 * XmlConvert spells them; -0 is `0` as on .NET Framework.
 */
export function formatDouble(value: number): string {
  if (value === 0) return '0';
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : value > 0 ? 'INF' : '-INF';
  const short = value.toExponential(14);
  if (Number(short) === value) return layoutGeneral(short, 15);
  return layoutGeneral(value.toExponential(16), 17);
}

/** `Single.ToString("R")`: 7 significant digits when they read back as the same float, else 9. */
export function formatFloat(value: number): string {
  const single = Math.fround(value);
  if (single === 0) return '0';
  if (!Number.isFinite(single)) return Number.isNaN(single) ? 'NaN' : single > 0 ? 'INF' : '-INF';
  const short = single.toExponential(6);
  if (Math.fround(Number(short)) === single) return layoutGeneral(short, 7);
  return layoutGeneral(single.toExponential(8), 9);
}

/** A JavaScript number as a decimal's plain text: shortest round-trip digits, never an exponent. */
function decimalFromNumber(value: number): string {
  if (!Number.isFinite(value)) throw new ResultEncodingError(`${value} is not a decimal`);
  if (value === 0) return '0';
  const text = String(value);
  const e = text.indexOf('e');
  if (e < 0) return text;
  const negative = value < 0;
  const mantissa = text.slice(negative ? 1 : 0, e);
  const exponent = Number(text.slice(e + 1));
  const point = mantissa.indexOf('.');
  const digits = point < 0 ? mantissa : mantissa.slice(0, point) + mantissa.slice(point + 1);
  const integerDigits = (point < 0 ? mantissa.length : point) + exponent;
  let plain: string;
  if (integerDigits <= 0) plain = `0.${'0'.repeat(-integerDigits)}${digits}`;
  else if (integerDigits >= digits.length) plain = digits.padEnd(integerDigits, '0');
  else plain = `${digits.slice(0, integerDigits)}.${digits.slice(integerDigits)}`;
  return negative ? `-${plain}` : plain;
}

function base64Text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (value instanceof Uint8Array) {
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  }
  if (value instanceof ArrayBuffer) return Buffer.from(value).toString('base64');
  throw unexpected('base64Binary', 'a Buffer, a Uint8Array or base64 text', value);
}

function dateTimeText(value: unknown): string {
  if (value instanceof DotNetDateTime) return value.toString();
  if (typeof value === 'string') return value;
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new ResultEncodingError('an invalid Date is not a dateTime');
    return DotNetDateTime.fromDate(value).toString();
  }
  throw unexpected('dateTime', 'a DotNetDateTime, a Date or a string', value);
}

/** XmlSerializer's text of `value` as the XSD primitive `type` (unescaped). */
export function primitiveText(type: PrimitiveName, value: unknown): string {
  switch (type) {
    case 'string':
      if (typeof value === 'string') return value;
      throw unexpected(type, 'a string', value);
    case 'boolean':
      if (typeof value === 'boolean') return value ? 'true' : 'false';
      throw unexpected(type, 'a boolean', value);
    case 'byte':
    case 'unsignedByte':
    case 'short':
    case 'unsignedShort':
    case 'int':
    case 'unsignedInt':
    case 'long':
    case 'unsignedLong':
      return integerText(type, value);
    case 'double':
      if (typeof value === 'number') return formatDouble(value);
      if (typeof value === 'string') return value;
      throw unexpected(type, 'a number or a string', value);
    case 'float':
      if (typeof value === 'number') return formatFloat(value);
      if (typeof value === 'string') return value;
      throw unexpected(type, 'a number or a string', value);
    case 'decimal':
      if (typeof value === 'string') return value;
      if (typeof value === 'number') return decimalFromNumber(value);
      if (typeof value === 'bigint') return value.toString();
      throw unexpected(type, 'a string, a number or a bigint', value);
    case 'dateTime':
      return dateTimeText(value);
    case 'guid':
      if (typeof value === 'string') return value.toLowerCase();
      throw unexpected(type, 'a string', value);
    case 'char':
      if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0xffff) {
        return String(value);
      }
      if (typeof value === 'string' && value.length === 1) return String(value.charCodeAt(0));
      throw unexpected(type, 'a UTF-16 code unit (0-65535) or a one-character string', value);
    case 'base64Binary':
      return base64Text(value);
    default:
      throw new ResultEncodingError(`unknown primitive type ${String(type)}`);
  }
}

/** The text .NET writes for the default value of a value type (`0`, `false`, DateTime.MinValue…); undefined for reference types. */
export function defaultPrimitiveText(type: PrimitiveName): string | undefined {
  switch (type) {
    case 'string':
    case 'base64Binary':
      return undefined;
    case 'boolean':
      return 'false';
    case 'dateTime':
      return '0001-01-01T00:00:00';
    case 'guid':
      return '00000000-0000-0000-0000-000000000000';
    default:
      return '0';
  }
}
