/**
 * Which JSON values can stand for an XSD primitive in a stub file, as a result (the encoder writes
 * strings verbatim, so they must already be what .NET would write) or as a `when` value.
 * Each check returns undefined when the value fits, else what is allowed.
 */
import {
  INTEGER_KINDS as CODEC_INTEGER_KINDS,
  INTEGER_RANGES,
  type IntegerKind,
} from '../../codec/dotnetNumber';
import type { PrimitiveName } from '../../contract/model';

/** The .NET integer type behind each XSD integer primitive (`char`, a UTF-16 code unit, as UInt16). */
const INTEGER_KINDS: Readonly<Partial<Record<PrimitiveName, IntegerKind>>> = {
  ...CODEC_INTEGER_KINDS,
  char: 'UInt16',
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
  const kind = INTEGER_KINDS[name];
  if (kind === undefined) return `${name} is not an integer type`;
  const range = INTEGER_RANGES[kind];
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

/** A dateTime result: text .NET could have written (it is sent verbatim). */
export function checkDateTime(value: unknown): string | undefined {
  if (typeof value === 'string' && DATETIME_TEXT.test(value)) return undefined;
  return 'expected a dateTime as a string, e.g. "2026-01-15T09:30:00Z", "2026-04-15T17:05:30.25" or "2025-12-31T23:59:59+01:00"';
}

/**
 * A dateTime `when` value: any string, since it is compared with the text the client sent, and
 * clients send many forms (`2026-12-31`, `12/31/2026 10:00` over GET/POST, which DateTime.Parse reads).
 */
export function checkSentDateTime(value: unknown): string | undefined {
  if (typeof value === 'string') return undefined;
  return (
    'expected a dateTime as a string, compared with the text the client sent ' +
    '(e.g. "2026-12-31T10:00:00Z", "2026-12-31" or "12/31/2026 10:00")'
  );
}

export function checkGuid(value: unknown): string | undefined {
  if (typeof value === 'string' && GUID_TEXT.test(value)) return undefined;
  return 'expected a guid as a string in the form "0f8fad5b-d9cb-469f-a165-70867728950e"';
}

export function checkBase64(value: unknown): string | undefined {
  if (typeof value === 'string' && BASE64_TEXT.test(value)) return undefined;
  return 'expected base64 text (A-Z a-z 0-9 + /, padded with = to a multiple of 4 characters, no whitespace)';
}

/** The number a float/double stub text stands for: `INF` → Infinity, `-INF` → -Infinity. */
export function floatValue(value: number | string): number {
  if (value === 'INF') return Infinity;
  if (value === '-INF') return -Infinity;
  return Number(value);
}

/**
 * Where a JSON value stands for a primitive: a rule's `result` (written verbatim, so text must be
 * what .NET writes) or a `when` value (compared with the decoded argument, so the text forms of
 * booleans and chars are accepted too, and any text for a dateTime).
 */
export type ValueUse = 'result' | 'when';

/** Whether a JSON value can stand for a value of the primitive: undefined when it can, else what is allowed. */
export function checkPrimitive(name: PrimitiveName, value: unknown, use: ValueUse): string | undefined {
  switch (name) {
    case 'string':
      return typeof value === 'string' ? undefined : 'expected a string';
    case 'boolean':
      return checkBoolean(value, use === 'when');
    case 'byte':
    case 'unsignedByte':
    case 'short':
    case 'unsignedShort':
    case 'int':
    case 'unsignedInt':
    case 'long':
    case 'unsignedLong':
      return checkInteger(name, value, true);
    case 'char':
      return checkInteger(name, value, use === 'when');
    case 'float':
    case 'double':
      return checkFloat(name, value);
    case 'decimal':
      return checkDecimal(value);
    case 'dateTime':
      return use === 'when' ? checkSentDateTime(value) : checkDateTime(value);
    case 'guid':
      return checkGuid(value);
    case 'base64Binary':
      return checkBase64(value);
  }
}
