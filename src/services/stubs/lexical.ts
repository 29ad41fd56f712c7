/**
 * Which JSON values can stand for an XSD primitive in a stub file, as a result (the encoder writes
 * strings verbatim, so they must already be what .NET would write) or as a `when` value.
 * Each check returns undefined when the value fits, else what is allowed.
 */
import type { PrimitiveName } from '../../contract/model';

/** Inclusive ranges of the .NET integer types behind the XSD integer primitives. */
export const INTEGER_RANGES: Readonly<Partial<Record<PrimitiveName, readonly [bigint, bigint]>>> = {
  byte: [-128n, 127n],
  unsignedByte: [0n, 255n],
  short: [-32768n, 32767n],
  unsignedShort: [0n, 65535n],
  int: [-2147483648n, 2147483647n],
  unsignedInt: [0n, 4294967295n],
  long: [-9223372036854775808n, 9223372036854775807n],
  unsignedLong: [0n, 18446744073709551615n],
  char: [0n, 65535n],
};

const INTEGER_TEXT = /^[+-]?[0-9]+$/;
const FLOAT_TEXT = /^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$/;
const DECIMAL_TEXT = /^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$/;
const GUID_TEXT = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const DATETIME_TEXT =
  /^-?[0-9]{4,}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})?$/;
const BASE64_TEXT = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function rangeText(range: readonly [bigint, bigint]): string {
  return `${range[0]} to ${range[1]}`;
}

/** An integer as a JSON number or as integer text, within the type's range. */
export function checkInteger(name: PrimitiveName, value: unknown, allowString: boolean): string | undefined {
  const range = INTEGER_RANGES[name];
  if (range === undefined) return `${name} is not an integer type`;
  const wanted = allowString
    ? `an integer from ${rangeText(range)}, as a number or as a string of digits`
    : `an integer from ${rangeText(range)}, as a number`;
  let exact: bigint;
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return `expected ${wanted}`;
    if (!Number.isSafeInteger(value)) {
      return (
        `expected ${wanted}; ${value} is beyond 2^53, where a JSON number has already lost digits` +
        (allowString ? ': write it as a string ("9007199254740993")' : '')
      );
    }
    exact = BigInt(value);
  } else if (typeof value === 'string' && allowString) {
    if (!INTEGER_TEXT.test(value)) return `expected ${wanted}`;
    exact = BigInt(value);
  } else {
    return `expected ${wanted}`;
  }
  if (exact < range[0] || exact > range[1]) return `expected ${wanted}: out of range for ${name}`;
  return undefined;
}

/** float/double: a finite JSON number, or text XmlConvert reads (`1.5`, `1E+30`, `INF`, `-INF`, `NaN`). */
export function checkFloat(name: PrimitiveName, value: unknown): string | undefined {
  const wanted = `a number, or a string holding a ${name} as .NET writes it ("0.33333333333333331", "1E+30", "INF", "-INF", "NaN")`;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : `expected ${wanted}`;
  if (
    typeof value === 'string' &&
    (FLOAT_TEXT.test(value) || value === 'INF' || value === '-INF' || value === 'NaN')
  ) {
    return undefined;
  }
  return `expected ${wanted}`;
}

/** decimal: a JSON number, or decimal text without exponent (`1234.50`, scale kept). */
export function checkDecimal(value: unknown): string | undefined {
  const wanted = 'a decimal as a string ("1234.50", written verbatim) or a number';
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : `expected ${wanted}`;
  if (typeof value === 'string' && DECIMAL_TEXT.test(value)) return undefined;
  return `expected ${wanted}`;
}

export function checkBoolean(value: unknown, allowString: boolean): string | undefined {
  if (typeof value === 'boolean') return undefined;
  if (allowString && (value === 'true' || value === 'false')) return undefined;
  return allowString ? 'expected true or false' : 'expected true or false (a JSON boolean, not a string)';
}

export function checkDateTime(value: unknown): string | undefined {
  if (typeof value === 'string' && DATETIME_TEXT.test(value)) return undefined;
  return 'expected a dateTime as a string, e.g. "2026-01-15T09:30:00Z", "2026-04-15T17:05:30.25" or "2025-12-31T23:59:59+01:00"';
}

export function checkGuid(value: unknown): string | undefined {
  if (typeof value === 'string' && GUID_TEXT.test(value)) return undefined;
  return 'expected a guid as a string in the form "0f8fad5b-d9cb-469f-a165-70867728950e"';
}

export function checkBase64(value: unknown): string | undefined {
  if (typeof value === 'string' && BASE64_TEXT.test(value)) return undefined;
  return 'expected base64 text (A-Z a-z 0-9 + /, padded with = to a multiple of 4 characters, no whitespace)';
}

/** The text JavaScript gives a float/double value, from its stub text: `INF` → `Infinity`. */
export function floatCanonical(value: number | string): string {
  if (value === 'INF') return 'Infinity';
  if (value === '-INF') return '-Infinity';
  return String(Number(value));
}
