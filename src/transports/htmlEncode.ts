/**
 * HttpUtility.HtmlEncode as .NET Framework 4.x applies it to the exception text of ASMX's
 * text/plain error answers (HttpServerProtocol.WriteException → WebUtility.HtmlEncode).
 */

/**
 * How characters outside the BMP come out: `raw` (.NET 4.0 behaviour, what an application without
 * `<httpRuntime targetFramework="4.5">` gets — the reference service's web.config has none) or
 * `entity` (4.5+ "strict" conformance: `&#128512;`; a lone surrogate becomes U+FFFD).
 */
export type SurrogateEncoding = 'raw' | 'entity';

/**
 * `<` `>` `"` `'` `&` become `&lt;` `&gt;` `&quot;` `&#39;` `&amp;`, and — because
 * WebUtility.cs defines ENTITY_ENCODE_HIGH_ASCII_CHARS — every character from U+00A0 to U+00FF
 * becomes a decimal entity (`é` → `&#233;`, a no-break space → `&#160;`). Everything else is
 * written as it is.
 */
export function htmlEncodeMessage(text: string, surrogates: SurrogateEncoding = 'raw'): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    switch (code) {
      case 0x3c:
        out += '&lt;';
        continue;
      case 0x3e:
        out += '&gt;';
        continue;
      case 0x22:
        out += '&quot;';
        continue;
      case 0x27:
        out += '&#39;';
        continue;
      case 0x26:
        out += '&amp;';
        continue;
    }
    if (code >= 0xa0 && code <= 0xff) {
      out += `&#${code};`;
    } else if (surrogates === 'entity' && code >= 0xd800 && code <= 0xdfff) {
      const next = text.charCodeAt(i + 1);
      if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        out += `&#${(code - 0xd800) * 0x400 + (next - 0xdc00) + 0x10000};`;
        i++;
      } else {
        out += '\ufffd';
      }
    } else {
      out += text.charAt(i);
    }
  }
  return out;
}

/**
 * ServerProtocol.GenerateFaultString as a development server writes it (customErrors Off, as on
 * the reference): each exception of the chain as `Type: message` with only the message
 * HTML-encoded, inner exceptions after a raw ` ---> ` (stack traces left out, see the kit's rule 2).
 */
export function asmxErrorText(
  ...chain: ReadonlyArray<{ readonly type: string; readonly message: string }>
): string {
  return chain
    .map(({ type, message }) => (message.length > 0 ? `${type}: ${htmlEncodeMessage(message)}` : type))
    .join(' ---> ');
}
