import { TextDecoder } from 'node:util';

/**
 * Parses `name=value&...` (a query string or an x-www-form-urlencoded body). `raw` holds the
 * bytes one character per byte (latin1), so percent-escapes and raw bytes both become bytes
 * again, which are then decoded with `decoder` — UTF-8 unless a form declares another charset,
 * as ASP.NET's Request.ContentEncoding does. Invalid sequences become U+FFFD, as in ASP.NET.
 */
export function parseUrlEncoded(raw: string, decoder: TextDecoder): Array<[name: string, value: string]> {
  const pairs: Array<[string, string]> = [];
  for (const piece of raw.split('&')) {
    if (piece === '') continue;
    const equals = piece.indexOf('=');
    const name = equals < 0 ? piece : piece.slice(0, equals);
    const value = equals < 0 ? '' : piece.slice(equals + 1);
    pairs.push([decodeComponent(name, decoder), decodeComponent(value, decoder)]);
  }
  return pairs;
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

/** `+` is a space and `%XX` a byte; a `%` not followed by two hex digits stays literal. */
function percentDecode(component: string): Uint8Array {
  const bytes = new Uint8Array(component.length);
  let length = 0;
  for (let i = 0; i < component.length; i++) {
    const code = component.charCodeAt(i);
    if (code === PLUS) {
      bytes[length++] = 0x20;
    } else if (code === PERCENT && isHex(component, i + 1) && isHex(component, i + 2)) {
      bytes[length++] = parseInt(component.slice(i + 1, i + 3), 16);
      i += 2;
    } else {
      bytes[length++] = code & 0xff;
    }
  }
  return bytes.subarray(0, length);
}

function isHex(text: string, index: number): boolean {
  const c = text.charCodeAt(index);
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}
