import { TextDecoder } from 'node:util';

/**
 * Parses `name=value&...` (a query string or an x-www-form-urlencoded body). `raw` holds the
 * bytes one character per byte (latin1), so percent-escapes and raw bytes both become bytes
 * again, which are then decoded with `decoder` — UTF-8 unless a form declares another charset,
 * as ASP.NET's Request.ContentEncoding does. Invalid sequences become U+FFFD, as in ASP.NET.
 */
export function parseUrlEncoded(raw: string, decoder: TextDecoder): Array<[name: string, value: string]> {
  const pairs: Array<[string, string]> = [];
  const asciiKept = ASCII_COMPATIBLE.has(decoder.encoding);
  // No escape, no `+`, no byte from 0x80 up (one regular-expression pass): every component is its
  // own text (tickets, plain names and numbers).
  const plain = asciiKept && !NEEDS_DECODING.test(raw);
  const n = raw.length;
  // The next `=` at or after where it was last looked for: found once per pair at most.
  let equalsAt = -1;
  for (let start = 0; start <= n;) {
    let end = raw.indexOf('&', start);
    if (end < 0) end = n;
    if (end > start) {
      if (equalsAt < start) {
        equalsAt = raw.indexOf('=', start);
        if (equalsAt < 0) equalsAt = n;
      }
      const name = equalsAt < end ? raw.slice(start, equalsAt) : raw.slice(start, end);
      const value = equalsAt < end ? raw.slice(equalsAt + 1, end) : '';
      if (plain) pairs.push([name, value]);
      else {
        pairs.push([
          (asciiKept ? asciiDecoded(name) : undefined) ?? decodeComponent(name, decoder),
          (asciiKept ? asciiDecoded(value) : undefined) ?? decodeComponent(value, decoder),
        ]);
      }
    }
    start = end + 1;
  }
  return pairs;
}

/** What a component needs decoded for: an escape, a `+`, or a character from 0x80 up. */
const NEEDS_DECODING = /[%+\u0080-\uffff]/;

/** Encodings that decode every byte below 0x80 to the character of that code. */
const ASCII_COMPATIBLE: ReadonlySet<string> = new Set(['utf-8', 'windows-1252']);

/**
 * A component's text when every byte it stands for is below 0x80, in an ASCII-compatible
 * encoding: those bytes are their own characters, so `+` and `%XX` are replaced in the text
 * itself, without the byte round trip (tickets, names, paths such as `%2FFinance%2FQ1.pdf`).
 * Undefined, for {@link decodeComponent}, at the first byte from 0x80 up or `%u`.
 */
function asciiDecoded(component: string): string | undefined {
  let text = '';
  let start = 0;
  for (let i = 0; i < component.length; i++) {
    const code = component.charCodeAt(i);
    if (code >= 0x80) return undefined;
    if (code === PLUS) {
      text += `${component.slice(start, i)} `;
      start = i + 1;
    } else if (code === PERCENT) {
      if (component.charCodeAt(i + 1) === LOWER_U) return undefined;
      if (!isHex(component, i + 1) || !isHex(component, i + 2)) continue;
      const byte = (hexValue(component.charCodeAt(i + 1)) << 4) | hexValue(component.charCodeAt(i + 2));
      if (byte >= 0x80) return undefined;
      text += component.slice(start, i) + String.fromCharCode(byte);
      i += 2;
      start = i + 1;
    }
  }
  return start === 0 ? component : text + component.slice(start);
}

/**
 * A component's text: percent-escapes and raw bytes decoded with `decoder`, and `%uXXXX` as the
 * UTF-16 code unit it names — .NET's HttpUtility.UrlDecode reads that non-standard form, and
 * .NET clients (Mono's generated HTTP proxies among them) send non-ASCII characters that way.
 */
function decodeComponent(component: string, decoder: TextDecoder): string {
  let at = component.indexOf('%u');
  if (at < 0) return decoder.decode(percentDecode(component));
  let text = '';
  let start = 0;
  while (at >= 0) {
    if (
      isHex(component, at + 2) &&
      isHex(component, at + 3) &&
      isHex(component, at + 4) &&
      isHex(component, at + 5)
    ) {
      text += decoder.decode(percentDecode(component.slice(start, at)));
      text += String.fromCharCode(parseInt(component.slice(at + 2, at + 6), 16));
      start = at + 6;
    }
    at = component.indexOf('%u', at + 2);
  }
  return text + decoder.decode(percentDecode(component.slice(start)));
}

const PLUS = 0x2b;
const PERCENT = 0x25;
const LOWER_U = 0x75;

/** `+` is a space and `%XX` a byte; a `%` not followed by two hex digits stays literal. */
function percentDecode(component: string): Uint8Array {
  const bytes = new Uint8Array(component.length);
  let length = 0;
  for (let i = 0; i < component.length; i++) {
    const code = component.charCodeAt(i);
    if (code === PLUS) {
      bytes[length++] = 0x20;
    } else if (code === PERCENT && isHex(component, i + 1) && isHex(component, i + 2)) {
      bytes[length++] = (hexValue(component.charCodeAt(i + 1)) << 4) | hexValue(component.charCodeAt(i + 2));
      i += 2;
    } else {
      bytes[length++] = code & 0xff;
    }
  }
  return bytes.subarray(0, length);
}

/** The value of a hex digit's code (one isHex accepted). */
function hexValue(code: number): number {
  return code <= 0x39 ? code - 0x30 : (code | 0x20) - 0x57;
}

function isHex(text: string, index: number): boolean {
  const c = text.charCodeAt(index);
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}
