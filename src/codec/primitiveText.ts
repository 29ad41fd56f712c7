/**
 * XmlSerializer's text of each XSD primitive for the result encoders (`encodeResult.ts`), with
 * the encoders' error type. The text is NOT escaped: the caller escapes it for its place.
 */
import type { PrimitiveName } from '../contract/model';
import { UnwritableValueError, formatXsd } from './xmlConvert';

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

/** XmlSerializer's text of `value` as the XSD primitive `type` (unescaped): XmlConvert's, see xmlConvert.ts. */
export function primitiveText(type: PrimitiveName, value: unknown): string {
  try {
    return formatXsd(type, value);
  } catch (error) {
    if (error instanceof UnwritableValueError) throw new ResultEncodingError(error.message);
    throw error;
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
