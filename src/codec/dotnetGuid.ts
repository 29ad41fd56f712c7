/**
 * `new Guid(string)` of .NET Framework 4.x (what XmlConvert.ToGuid does): the D, B, P, N and X
 * forms, any letter case, surrounding whitespace ignored, and each failure with .NET's exception
 * and message. A port of Guid.TryParseGuid with GuidStyles.Any and of the ParseNumbers routines it
 * calls, quirks included (a group may start with `+` or `0x`).
 */
import { dotnetTrim, isDotNetWhiteSpace } from './dotnetChars';
import { DotNetMessages, formatError, overflowError } from './dotnetException';

interface GuidFields {
  a: number;
  b: number;
  c: number;
  /** The 8 bytes d … k. */
  bytes: number[];
}

/** ParseNumbers flags. */
const IS_TIGHT = 0x1000;
const NO_SPACE = 0x2000;

/** A failure of the ArgumentException kind inside the parse: Guid turns it into "Unrecognized Guid format." */
class GuidArgumentError extends Error {}

function hexDigit(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x41 && code <= 0x46) return code - 0x41 + 10;
  if (code >= 0x61 && code <= 0x66) return code - 0x61 + 10;
  return -1;
}

/**
 * ParseNumbers.StringToInt / StringToLong in base 16 from `position`: an optional sign (`-` is an
 * ArgumentException in base 16), an optional `0x`, then hex digits. Returns the value (unsigned)
 * and where the digits ended.
 */
function parseHexNumber(
  text: string,
  position: number,
  flags: number,
  bits: 32 | 64,
): { value: bigint; end: number } {
  let i = position;
  if (i < 0 || i >= text.length) throw new GuidArgumentError('index out of range');
  if ((flags & IS_TIGHT) === 0 && (flags & NO_SPACE) === 0) {
    while (i < text.length && isDotNetWhiteSpace(text.charCodeAt(i))) i++;
    if (i === text.length) throw formatError('Input string was either empty or contained only whitespace.');
  }
  if (text[i] === '-') throw new GuidArgumentError('negative in base 16');
  if (text[i] === '+') i++;
  if (i + 1 < text.length && text[i] === '0' && (text[i + 1] === 'x' || text[i + 1] === 'X')) i += 2;
  const digitsStart = i;
  const max = bits === 32 ? 0xffffffffn : 0xffffffffffffffffn;
  let value = 0n;
  for (; i < text.length; i++) {
    const d = hexDigit(text.charCodeAt(i));
    if (d < 0) break;
    value = value * 16n + BigInt(d);
    if (value > max) throw overflowError(bits === 32 ? 'UInt32' : 'UInt64');
  }
  if (i === digitsStart) throw formatError(DotNetMessages.noParsibleDigits);
  if (flags & IS_TIGHT && i < text.length) throw formatError(DotNetMessages.extraJunkAtEnd);
  return { value, end: i };
}

function fail(message: string): never {
  throw formatError(message);
}

/** [{|(]dddddddd-dddd-dddd-dddd-dddddddddddd[}|)] */
function parseWithDashes(text: string): GuidFields {
  let start = 0;
  if (text[0] === '{' || text[0] === '(') {
    if (text.length !== 38 || text[37] !== (text[0] === '{' ? '}' : ')'))
      fail(DotNetMessages.guidInvalidLength);
    start = 1;
  } else if (text.length !== 36) {
    fail(DotNetMessages.guidInvalidLength);
  }
  if (
    text[8 + start] !== '-' ||
    text[13 + start] !== '-' ||
    text[18 + start] !== '-' ||
    text[23 + start] !== '-'
  ) {
    fail(DotNetMessages.guidDashes);
  }
  let position = start;
  const group = (length: number): number => {
    const { value, end } = parseHexNumber(text, position, NO_SPACE, 32);
    if (end - position !== length) fail(DotNetMessages.guidInvalidChar);
    position = end + 1; // past the '-'
    return Number(value);
  };
  const a = group(8);
  const b = group(4);
  const c = group(4);
  const de = group(4);
  const last = parseHexNumber(text, position, NO_SPACE, 64);
  if (last.end - position !== 12) fail(DotNetMessages.guidInvalidLength);
  const tail = last.value & 0xffffffffffffn;
  const bytes = [de >> 8, de & 0xff];
  for (let shift = 40n; shift >= 0n; shift -= 8n) bytes.push(Number((tail >> shift) & 0xffn));
  return { a, b, c, bytes };
}

/** dddddddddddddddddddddddddddddddd */
function parseNoStyle(text: string): GuidFields {
  if (text.length !== 32) fail(DotNetMessages.guidInvalidLength);
  for (let i = 0; i < 32; i++) if (hexDigit(text.charCodeAt(i)) < 0) fail(DotNetMessages.guidInvalidChar);
  const part = (from: number, to: number): number => Number.parseInt(text.slice(from, to), 16);
  const bytes: number[] = [];
  for (let i = 16; i < 32; i += 2) bytes.push(part(i, i + 2));
  return { a: part(0, 8), b: part(8, 12), c: part(12, 16), bytes };
}

function isHexPrefix(text: string, i: number): boolean {
  return text.length > i + 1 && text[i] === '0' && (text[i + 1] === 'x' || text[i + 1] === 'X');
}

/** {0xdddddddd,0xdddd,0xdddd,{0xdd,0xdd,0xdd,0xdd,0xdd,0xdd,0xdd,0xdd}} (whitespace anywhere). */
function parseWithHexPrefix(input: string): GuidFields {
  let text = '';
  for (const ch of input) if (!isDotNetWhiteSpace(ch.charCodeAt(0))) text += ch;
  if (text.length === 0 || text[0] !== '{') fail(DotNetMessages.guidBrace);
  if (!isHexPrefix(text, 1)) fail(DotNetMessages.guidHexPrefix);
  let start = 3;
  let length = text.indexOf(',', start) - start;
  if (length <= 0) fail(DotNetMessages.guidComma);
  const number = (from: number, count: number): number =>
    Number(parseHexNumber(text.slice(from, from + count), 0, IS_TIGHT, 32).value);
  const a = number(start, length);
  if (!isHexPrefix(text, start + length + 1)) fail(DotNetMessages.guidHexPrefix);
  start = start + length + 3;
  length = text.indexOf(',', start) - start;
  if (length <= 0) fail(DotNetMessages.guidComma);
  const b = number(start, length) & 0xffff;
  if (!isHexPrefix(text, start + length + 1)) fail(DotNetMessages.guidHexPrefix);
  start = start + length + 3;
  length = text.indexOf(',', start) - start;
  if (length <= 0) fail(DotNetMessages.guidComma);
  const c = number(start, length) & 0xffff;
  if (text.length <= start + length + 1 || text[start + length + 1] !== '{') fail(DotNetMessages.guidBrace);
  length++;
  const bytes: number[] = [];
  for (let i = 0; i < 8; i++) {
    if (!isHexPrefix(text, start + length + 1)) fail(DotNetMessages.guidHexPrefix);
    start = start + length + 3;
    length = text.indexOf(i < 7 ? ',' : '}', start) - start;
    if (length <= 0) fail(i < 7 ? DotNetMessages.guidComma : DotNetMessages.guidBraceAfterLastNumber);
    // Convert.ToInt32(s, 16): its own errors (and overflows) escape as they are.
    const value = number(start, length);
    // A byte above 255 is reported as a FormatException carrying the Overflow_Byte text.
    if (value > 255) fail(DotNetMessages.overflow('an unsigned byte'));
    bytes.push(value);
  }
  if (start + length + 1 >= text.length || text[start + length + 1] !== '}')
    fail(DotNetMessages.guidEndBrace);
  if (start + length + 1 !== text.length - 1) fail(DotNetMessages.extraJunkAtEnd);
  return { a, b, c, bytes };
}

function hex(value: number, digits: number): string {
  return (value >>> 0).toString(16).padStart(digits, '0').slice(-digits);
}

/**
 * Parses a Guid as `new Guid(text)` does and returns its lower-case `D` form. Throws
 * DotNetException (System.FormatException, or System.OverflowException for an oversized number
 * in the `{0x…}` form) with .NET's message.
 */
export function parseDotNetGuid(text: string): string {
  const trimmed = dotnetTrim(text);
  if (trimmed.length === 0) fail(DotNetMessages.guidUnrecognized);
  let fields: GuidFields;
  try {
    if (trimmed.includes('-')) fields = parseWithDashes(trimmed);
    else if (trimmed.includes('{')) fields = parseWithHexPrefix(trimmed);
    else fields = parseNoStyle(trimmed);
  } catch (error) {
    if (error instanceof GuidArgumentError) fail(DotNetMessages.guidUnrecognized);
    throw error;
  }
  const tail = fields.bytes.map((byte) => hex(byte, 2)).join('');
  return `${hex(fields.a, 8)}-${hex(fields.b, 4)}-${hex(fields.c, 4)}-${tail.slice(0, 4)}-${tail.slice(4)}`;
}
