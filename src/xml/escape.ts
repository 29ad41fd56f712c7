const MARKUP_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
};

/**
 * Escapes a value for XML the way .NET's XmlTextWriter (XmlTextEncoder) does: `&amp; &lt; &gt;`,
 * plus `&quot;` inside a double-quoted attribute (an apostrophe stays literal); CR and LF as
 * character references inside attributes (a reader would normalise them to spaces), a tab as it
 * is; other C0 controls as character references (`&#x1;`), as XmlTextWriter writes them.
 * Lone surrogates and U+FFFE/U+FFFF, which XmlTextWriter refuses with an exception, are dropped.
 */
function escapeXml(value: string, inAttribute: boolean): string {
  let out = '';
  let last = 0;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    let replacement: string | undefined;
    if (code < 0x20) {
      if (code === 0x0a || code === 0x0d) {
        if (inAttribute) replacement = `&#x${code.toString(16).toUpperCase()};`;
      } else if (code !== 0x09) {
        replacement = `&#x${code.toString(16).toUpperCase()};`;
      }
    } else if (code >= 0xd800 && code <= 0xdfff) {
      const isPair = code <= 0xdbff && (value.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
      if (isPair) {
        i++;
        continue;
      }
      replacement = '';
    } else if (code === 0xfffe || code === 0xffff) {
      replacement = '';
    } else if (code === 0x22) {
      if (inAttribute) replacement = '&quot;';
    } else {
      replacement = MARKUP_ESCAPES[value[i] as string];
    }
    if (replacement !== undefined) {
      out += value.slice(last, i) + replacement;
      last = i + 1;
    }
  }
  return last === 0 ? value : out + value.slice(last);
}

/** Escapes a value for a double-quoted XML attribute. */
export function escapeAttribute(value: string): string {
  return escapeXml(value, true);
}

/** Escapes element text content. */
export function escapeText(value: string): string {
  return escapeXml(value, false);
}
