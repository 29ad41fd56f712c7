/**
 * .NET's character classes, as the value parsers of the codec need them: `Char.IsWhiteSpace`,
 * `String.Trim()`, `Char.IsLetter`, `Char.IsDigit`. They work on UTF-16 code units, as .NET does.
 */

/**
 * `Char.IsWhiteSpace`: U+0009–U+000D, U+0020, U+0085, U+00A0, and the Unicode space, line and
 * paragraph separators. (U+180E is not one: it left Zs in Unicode 6.3, before .NET Framework 4.8.)
 */
export function isDotNetWhiteSpace(code: number): boolean {
  if (code <= 0xff) return code === 0x20 || (code >= 0x09 && code <= 0x0d) || code === 0x85 || code === 0xa0;
  return (
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000
  );
}

/** `String.Trim()` with no arguments: removes {@link isDotNetWhiteSpace} characters at both ends. */
export function dotnetTrim(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isDotNetWhiteSpace(text.charCodeAt(start))) start++;
  while (end > start && isDotNetWhiteSpace(text.charCodeAt(end - 1))) end--;
  return text.slice(start, end);
}

const LETTER = /^\p{L}$/u;
const DECIMAL_DIGIT = /^\p{Nd}$/u;

/** `Char.IsLetter` of one UTF-16 code unit (a lone surrogate is not a letter). */
export function isDotNetLetter(code: number): boolean {
  if (code < 0x80) return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
  return LETTER.test(String.fromCharCode(code));
}

/** `Char.IsDigit`: any Unicode decimal digit, not only `0`–`9`. */
export function isDotNetDigit(code: number): boolean {
  if (code < 0x80) return code >= 0x30 && code <= 0x39;
  return DECIMAL_DIGIT.test(String.fromCharCode(code));
}

/** `0`–`9` only (what the number and date parsers accept as digits). */
export function isAsciiDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}
