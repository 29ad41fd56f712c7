/**
 * The request reader as it was before it validated documents itself: fast-xml-parser's validator
 * on every document, then the tree pass. Copied unchanged (only the import path differs) as the
 * reference of the differential test; not to be edited.
 */
import { XMLValidator } from 'fast-xml-parser';
import { ProtocolErrors, type ProtocolError } from '../../src/errors/catalogue';

/**
 * Where .NET's XmlReader stands: `LineNumber` and `LinePosition`, both 1-based. A CRLF, a lone CR
 * and a LF are each one line break; columns count UTF-16 code units.
 */
export interface XmlPosition {
  readonly line: number;
  readonly column: number;
}

/** An element of a request document with its namespace resolved and its reader positions. */
export interface XmlElement {
  /** The resolved namespace URI, `''` when none. */
  readonly namespace: string;
  readonly localName: string;
  /** `''` when the name has none. */
  readonly prefix: string;
  /** Raw qualified name → value, entity-decoded and normalised; `xmlns` declarations included. */
  readonly attributes: Readonly<Record<string, string>>;
  /** Child elements, in document order. */
  readonly children: readonly XmlElement[];
  /** The concatenated text and CDATA directly inside the element. */
  readonly text: string;
  /** Carries `xsi:nil="true"` (or `1`): the value is absent, not empty. */
  readonly nil: boolean;
  /** Written as `<x/>`. */
  readonly isEmpty: boolean;
  /** Has a child element, text (whitespace included) or CDATA; comments and PIs do not count. */
  readonly hasChildNodes: boolean;
  /** Of the element's name, right after `<`. */
  readonly position: XmlPosition;
  /**
   * Where XmlReader stands once it has read past this element's end: on the node that follows,
   * at the name of a tag (right after `<` or `</`), the first character of text or whitespace,
   * the content of a comment or CDATA section (right after `<!--`, `<![CDATA[`) or the target of
   * a PI (right after `<?`); the end of the document when nothing follows. XmlSerializer reports
   * a value that does not convert at this position.
   */
  readonly next: XmlPosition;
}

/**
 * Deeper documents are refused: a SOAP request needs four levels, the cap leaves room for
 * extensions. Counted as fast-xml-parser counted it for `parseXmlDocument`, which this reader
 * replaces: a start tag is refused when more than this many elements are already open, an empty
 * element (`<x/>`) never is.
 */
export const MAX_ELEMENT_DEPTH = 32;

const XSI_NAMESPACE = 'http://www.w3.org/2001/XMLSchema-instance';
const XML_NAMESPACE = 'http://www.w3.org/XML/1998/namespace';

/**
 * Reads a request document into namespace-resolved elements with XmlReader positions, or says why
 * it cannot, refusing exactly what `parseXmlDocument` refused and in the same order: a DTD, an
 * empty document, what fast-xml-parser's validator refuses (with its line, column and message),
 * then nesting beyond {@link MAX_ELEMENT_DEPTH}.
 */
export function readXmlDocument(text: string): { root: XmlElement } | { error: ProtocolError } {
  // XML is case-sensitive: a document type declaration always starts with exactly this text.
  const dtdAt = text.indexOf('<!DOCTYPE');
  if (dtdAt >= 0) {
    const { line, column } = dtdLineAndColumn(text, dtdAt);
    return { error: ProtocolErrors.dtdProhibited(line, column) };
  }
  // XmlReader's own words and position for an empty document.
  if (text.trim() === '') return { error: ProtocolErrors.unreadableXml(0, 0, 'Root element is missing.') };
  const verdict = XMLValidator.validate(text);
  if (verdict !== true) {
    return {
      error: ProtocolErrors.unreadableXml(verdict.err.line || 0, verdict.err.col || 0, verdict.err.msg),
    };
  }
  return readXmlTree(text);
}

/** Today's arithmetic for the DTD position (LF only, a BOM counts), kept so the fault is unchanged. */
function dtdLineAndColumn(text: string, index: number): { line: number; column: number } {
  const before = text.slice(0, index);
  const lastBreak = before.lastIndexOf('\n');
  return { line: before.split('\n').length, column: index - lastBreak };
}

class Element implements XmlElement {
  children: XmlElement[] = NO_CHILDREN;
  text = '';
  isEmpty = false;
  hasChildNodes = false;
  next: XmlPosition = END_UNKNOWN;

  constructor(
    readonly namespace: string,
    readonly localName: string,
    readonly prefix: string,
    readonly attributes: Readonly<Record<string, string>>,
    readonly nil: boolean,
    readonly position: XmlPosition,
  ) {}
}

// Shared, frozen: most elements have no attributes or no children.
const NO_ATTRIBUTES: Readonly<Record<string, string>> = Object.freeze({});
const NO_CHILDREN = Object.freeze([]) as unknown as XmlElement[];
const END_UNKNOWN: XmlPosition = Object.freeze({ line: 0, column: 0 });

const TAB = 9;
const LF = 10;
const CR = 13;
const SPACE = 32;
const QUOTE = 34;
const HASH = 35;
const AMP = 38;
const APOS = 39;
const DASH = 45;
const SLASH = 47;
const COLON = 58;
const SEMICOLON = 59;
const LT = 60;
const EQUALS = 61;
const GT = 62;
const QUESTION = 63;
const BANG = 33;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;

/** Index after the reference {@link readReference} last recognised. */
let referenceEnd = 0;

/**
 * The replacement of the entity or character reference whose `&` is at `at`, with
 * {@link referenceEnd} set past its `;`; `undefined` when the text there is no reference the
 * reader knows, the `&` then stays literal (as fast-xml-parser left it). The five predefined
 * entities and decimal and hex character references are known; a reference to U+0000, a C0
 * control other than tab/LF/CR or a surrogate gives nothing (as fast-xml-parser's decoder removed
 * them) and one beyond U+10FFFF stays literal.
 */
function readReference(s: string, at: number): string | undefined {
  let j = at + 1;
  const c = s.charCodeAt(j);
  if (c === HASH) {
    j++;
    let code = 0;
    let digits = 0;
    const x = s.charCodeAt(j);
    if (x === 120 || x === 88) {
      // 'x', and 'X' as fast-xml-parser's decoder allowed it
      for (j++; ; j++, digits++) {
        const d = s.charCodeAt(j);
        let v: number;
        if (d >= 48 && d <= 57) v = d - 48;
        else if (d >= 97 && d <= 102) v = d - 87;
        else if (d >= 65 && d <= 70) v = d - 55;
        else break;
        if (code <= 0x10ffff) code = code * 16 + v;
      }
    } else {
      for (; ; j++, digits++) {
        const d = s.charCodeAt(j); // NaN past the end: no digit
        if (!(d >= 48 && d <= 57)) break;
        if (code <= 0x10ffff) code = code * 10 + (d - 48);
      }
    }
    if (digits === 0 || s.charCodeAt(j) !== SEMICOLON || code > 0x10ffff) return undefined;
    referenceEnd = j + 1;
    if (code < SPACE) return code === TAB || code === LF || code === CR ? String.fromCharCode(code) : '';
    if (code < 0x10000) return code >= 0xd800 && code <= 0xdfff ? '' : String.fromCharCode(code);
    return String.fromCodePoint(code);
  }
  // lt; gt; amp; apos; quot;
  if (c === 108 || c === 103) {
    if (s.charCodeAt(j + 1) === 116 && s.charCodeAt(j + 2) === SEMICOLON) {
      referenceEnd = j + 3;
      return c === 108 ? '<' : '>';
    }
  } else if (c === 97) {
    const c1 = s.charCodeAt(j + 1);
    if (c1 === 109) {
      if (s.charCodeAt(j + 2) === 112 && s.charCodeAt(j + 3) === SEMICOLON) {
        referenceEnd = j + 4;
        return '&';
      }
    } else if (c1 === 112) {
      if (s.charCodeAt(j + 2) === 111 && s.charCodeAt(j + 3) === 115 && s.charCodeAt(j + 4) === SEMICOLON) {
        referenceEnd = j + 5;
        return "'";
      }
    }
  } else if (c === 113) {
    if (
      s.charCodeAt(j + 1) === 117 &&
      s.charCodeAt(j + 2) === 111 &&
      s.charCodeAt(j + 3) === 116 &&
      s.charCodeAt(j + 4) === SEMICOLON
    ) {
      referenceEnd = j + 5;
      return '"';
    }
  }
  return undefined;
}

function isWhitespace(c: number): boolean {
  return c === SPACE || c === LF || c === TAB || c === CR;
}

function setAttribute(attributes: Record<string, string>, name: string, value: string): void {
  // An own property even for this name, never the prototype.
  if (name === '__proto__') {
    Object.defineProperty(attributes, name, { value, enumerable: true, writable: true, configurable: true });
  } else {
    attributes[name] = value;
  }
}

/** Reused between calls: the namespace bindings in scope and the candidates for xsi:nil. */
const nsPrefixes: string[] = ['xml'];
const nsUris: string[] = [XML_NAMESPACE];
const nilPrefixes: string[] = [];

function lookupNamespace(prefix: string, count: number): string | undefined {
  for (let k = count - 1; k >= 0; k--) {
    if (nsPrefixes[k] === prefix) return nsUris[k];
  }
  return undefined;
}

/**
 * Builds the element tree of a document in one pass, recording XmlReader positions. Meant for text
 * fast-xml-parser's validator accepted ({@link readXmlDocument} runs it first); on any other text
 * it never throws. It refuses, in XmlException's words and at its position, the malformed markup
 * that validator lets through: `<!` starting neither a comment nor a CDATA section, an end tag
 * written `</x/>` or `</x a="1" />`, a `=` where an attribute name should start, a comment, CDATA
 * section or PI left open at the end.
 *
 * As `parseXmlDocument` did, the root is the first element; what the validator lets follow it
 * (text after an empty root, further elements) is read and ignored.
 */
export function readXmlTree(s: string): { root: XmlElement } | { error: ProtocolError } {
  const n = s.length;
  let i = s.charCodeAt(0) === 0xfeff ? 1 : 0; // XmlReader never sees the byte order mark
  let line = 1;
  let lineStart = i; // the offset in column 1 of the current line

  const stack: Element[] = [];
  const qnames: string[] = [];
  const nsMarks: number[] = [];
  let nsCount = 1;
  let current: Element | undefined;
  let root: Element | undefined;
  /** The element that ended last, until the node after it is found. */
  let pending: Element | undefined;

  while (i < n) {
    const c = s.charCodeAt(i);
    if (c !== LT) {
      // Text (whitespace included) up to the next markup.
      if (pending !== undefined) {
        pending.next = { line, column: i - lineStart + 1 };
        pending = undefined;
      }
      if (current === undefined) {
        // Outside the root (validated: whitespace, or anything after an empty root): skipped.
        for (; i < n; i++) {
          const d = s.charCodeAt(i);
          if (d === LT) break;
          if (d === LF) {
            line++;
            lineStart = i + 1;
          } else if (d === CR) {
            if (s.charCodeAt(i + 1) === LF) i++;
            line++;
            lineStart = i + 1;
          }
        }
        continue;
      }
      current.hasChildNodes = true;
      let out = '';
      let from = i;
      for (; i < n; i++) {
        const d = s.charCodeAt(i);
        if (d === LT) break;
        if (d === AMP) {
          const replacement = readReference(s, i);
          if (replacement !== undefined) {
            out += s.slice(from, i) + replacement;
            i = referenceEnd - 1;
            from = referenceEnd;
          }
        } else if (d === LF) {
          line++;
          lineStart = i + 1;
        } else if (d === CR) {
          out += s.slice(from, i) + '\n';
          if (s.charCodeAt(i + 1) === LF) i++;
          line++;
          lineStart = i + 1;
          from = i + 1;
        }
      }
      current.text += from === i ? out : out + s.slice(from, i);
      continue;
    }

    const c1 = s.charCodeAt(i + 1);
    if (c1 === SLASH) {
      // End tag.
      const nameAt = i + 2;
      if (pending !== undefined) {
        pending.next = { line, column: nameAt - lineStart + 1 };
        pending = undefined;
      }
      if (current === undefined) {
        return failAt(line, nameAt - lineStart + 1, 'Unexpected end tag.');
      }
      const qname = qnames[qnames.length - 1] as string;
      let j = nameAt + qname.length;
      if (!s.startsWith(qname, nameAt) || isNameChar(s.charCodeAt(j), true)) {
        const open = current.position;
        const endName = tokenAt(s, nameAt, true);
        return failAt(
          line,
          nameAt - lineStart + 1,
          `The '${qname}' start tag on line ${open.line} position ${open.column} does not match the end tag of '${endName}'.`,
        );
      }
      for (; j < n; j++) {
        const d = s.charCodeAt(j);
        if (d === LF) {
          line++;
          lineStart = j + 1;
        } else if (d === CR) {
          if (s.charCodeAt(j + 1) === LF) j++;
          line++;
          lineStart = j + 1;
        } else if (d !== SPACE && d !== TAB) break;
      }
      if (s.charCodeAt(j) !== GT) return unexpectedToken(s, j, line, lineStart, "'>'");
      i = j + 1;
      stack.pop();
      qnames.pop();
      nsCount = nsMarks.pop() as number;
      pending = current;
      current = stack[stack.length - 1];
      continue;
    }

    if (c1 === BANG) {
      if (s.charCodeAt(i + 2) === DASH) {
        if (s.charCodeAt(i + 3) !== DASH) return unexpectedToken(s, i + 3, line, lineStart, "'-'");
        // Comment: skipped, but a node XmlReader stops on.
        if (pending !== undefined) {
          pending.next = { line, column: i + 4 - lineStart + 1 };
          pending = undefined;
        }
        let j = i + 4;
        for (; ; j++) {
          if (j >= n) return unexpectedEnd('Comment', line, n - lineStart + 1);
          const d = s.charCodeAt(j);
          if (d === DASH) {
            if (s.charCodeAt(j + 1) === DASH && s.charCodeAt(j + 2) === GT) break;
          } else if (d === LF) {
            line++;
            lineStart = j + 1;
          } else if (d === CR) {
            if (s.charCodeAt(j + 1) === LF) j++;
            line++;
            lineStart = j + 1;
          }
        }
        i = j + 3;
        continue;
      }
      if (s.charCodeAt(i + 2) === OPEN_BRACKET) {
        if (!s.startsWith('CDATA[', i + 3)) return unexpectedToken(s, i + 3, line, lineStart, "'CDATA['");
        // CDATA section: raw text, line breaks normalised.
        if (pending !== undefined) {
          pending.next = { line, column: i + 9 - lineStart + 1 };
          pending = undefined;
        }
        let j = i + 9;
        let from = j;
        let out = '';
        for (; ; j++) {
          if (j >= n) return unexpectedEnd('CDATA', line, n - lineStart + 1);
          const d = s.charCodeAt(j);
          if (d === CLOSE_BRACKET) {
            if (s.charCodeAt(j + 1) === CLOSE_BRACKET && s.charCodeAt(j + 2) === GT) break;
          } else if (d === LF) {
            line++;
            lineStart = j + 1;
          } else if (d === CR) {
            out += s.slice(from, j) + '\n';
            if (s.charCodeAt(j + 1) === LF) j++;
            line++;
            lineStart = j + 1;
            from = j + 1;
          }
        }
        if (current !== undefined) {
          current.hasChildNodes = true;
          current.text += from === j ? out : out + s.slice(from, j);
        }
        i = j + 3;
        continue;
      }
      // The validator lets any other `<!` through as text (a DTD was refused before).
      return unexpectedToken(s, i + 2, line, lineStart, "'<!--' or '<[CDATA['");
    }

    if (c1 === QUESTION) {
      // Processing instruction or XML declaration: skipped, but a node XmlReader stops on.
      if (pending !== undefined) {
        pending.next = { line, column: i + 2 - lineStart + 1 };
        pending = undefined;
      }
      let j = i + 2;
      for (; ; j++) {
        if (j >= n) return unexpectedEnd('PI', line, n - lineStart + 1);
        const d = s.charCodeAt(j);
        if (d === QUESTION) {
          if (s.charCodeAt(j + 1) === GT) break;
        } else if (d === LF) {
          line++;
          lineStart = j + 1;
        } else if (d === CR) {
          if (s.charCodeAt(j + 1) === LF) j++;
          line++;
          lineStart = j + 1;
        }
      }
      i = j + 2;
      continue;
    }

    // Start tag.
    const nameAt = i + 1;
    const position: XmlPosition = { line, column: nameAt - lineStart + 1 };
    if (pending !== undefined) {
      pending.next = position;
      pending = undefined;
    }
    let j = nameAt;
    let colon = -1;
    for (; j < n; j++) {
      const d = s.charCodeAt(j);
      if (d === SPACE || d === GT || d === SLASH || d === LF || d === TAB || d === CR) break;
      if (d === COLON && colon < 0) colon = j;
    }
    if (j === nameAt) return badNameStart(s, j, line, lineStart);
    const qname = s.slice(nameAt, j);
    const nsBefore = nsCount;
    let attributes: Record<string, string> | undefined;
    let nilCandidates = 0;
    let empty = false;

    for (;;) {
      // Whitespace, then `>`, `/>` or an attribute.
      for (; j < n; j++) {
        const d = s.charCodeAt(j);
        if (d === LF) {
          line++;
          lineStart = j + 1;
        } else if (d === CR) {
          if (s.charCodeAt(j + 1) === LF) j++;
          line++;
          lineStart = j + 1;
        } else if (d !== SPACE && d !== TAB) break;
      }
      const d = s.charCodeAt(j);
      if (d === GT) {
        j++;
        break;
      }
      if (d === SLASH) {
        if (s.charCodeAt(j + 1) !== GT) return unexpectedToken(s, j + 1, line, lineStart, "'>'");
        j += 2;
        empty = true;
        break;
      }
      if (j >= n) return failAt(line, n - lineStart + 1, 'Unexpected end of file has occurred.');
      if (!isWhitespace(s.charCodeAt(j - 1))) {
        return failAt(
          line,
          j - lineStart + 1,
          `'${tokenAt(s, j, false)}' is an unexpected token. Expecting white space.`,
        );
      }

      // Attribute name.
      const attrAt = j;
      let attrColon = -1;
      for (; j < n; j++) {
        const e = s.charCodeAt(j);
        if (e === EQUALS || e === SPACE || e === GT || e === SLASH || e === LF || e === TAB || e === CR)
          break;
        if (e === COLON && attrColon < 0) attrColon = j;
      }
      // The validator skips a `=` where a name should start.
      if (j === attrAt) return badNameStart(s, j, line, lineStart);
      const name = s.slice(attrAt, j);
      for (; j < n; j++) {
        const e = s.charCodeAt(j);
        if (e === LF) {
          line++;
          lineStart = j + 1;
        } else if (e === CR) {
          if (s.charCodeAt(j + 1) === LF) j++;
          line++;
          lineStart = j + 1;
        } else if (e !== SPACE && e !== TAB) break;
      }
      if (s.charCodeAt(j) !== EQUALS) return unexpectedToken(s, j, line, lineStart, "'='");
      for (j++; j < n; j++) {
        const e = s.charCodeAt(j);
        if (e === LF) {
          line++;
          lineStart = j + 1;
        } else if (e === CR) {
          if (s.charCodeAt(j + 1) === LF) j++;
          line++;
          lineStart = j + 1;
        } else if (e !== SPACE && e !== TAB) break;
      }
      const quote = s.charCodeAt(j);
      if (quote !== QUOTE && quote !== APOS) return unexpectedToken(s, j, line, lineStart, `'"' or '''`);

      // Attribute value: references decoded, each tab, CR, LF or CRLF written raw becomes a space.
      j++;
      let from = j;
      let value = '';
      for (; ; j++) {
        if (j >= n) return unexpectedEnd('StartTag', line, n - lineStart + 1);
        const e = s.charCodeAt(j);
        if (e === quote) break;
        if (e === AMP) {
          const replacement = readReference(s, j);
          if (replacement !== undefined) {
            value += s.slice(from, j) + replacement;
            j = referenceEnd - 1;
            from = referenceEnd;
          }
        } else if (e === TAB) {
          value += s.slice(from, j) + ' ';
          from = j + 1;
        } else if (e === LF) {
          value += s.slice(from, j) + ' ';
          line++;
          lineStart = j + 1;
          from = j + 1;
        } else if (e === CR) {
          value += s.slice(from, j) + ' ';
          if (s.charCodeAt(j + 1) === LF) j++;
          line++;
          lineStart = j + 1;
          from = j + 1;
        }
      }
      value = from === j ? value : value + s.slice(from, j);
      j++;

      attributes ??= {};
      setAttribute(attributes, name, value);
      // xmlns="…" and xmlns:p="…" (an empty prefix after `xmlns:` rebinds the default, as before).
      if (
        name.length >= 5 &&
        s.charCodeAt(attrAt) === 120 &&
        s.charCodeAt(attrAt + 1) === 109 &&
        s.charCodeAt(attrAt + 2) === 108 &&
        s.charCodeAt(attrAt + 3) === 110 &&
        s.charCodeAt(attrAt + 4) === 115 &&
        (name.length === 5 || s.charCodeAt(attrAt + 5) === COLON)
      ) {
        nsPrefixes[nsCount] = name.length === 5 ? '' : name.slice(6);
        nsUris[nsCount] = value;
        nsCount++;
      }
      // p:nil="true" or "1": xsi:nil once p is known to be bound to the XML Schema instance namespace.
      if (
        attrColon >= 0 &&
        name.length - (attrColon - attrAt) === 4 &&
        s.charCodeAt(attrColon + 1) === 110 &&
        s.charCodeAt(attrColon + 2) === 105 &&
        s.charCodeAt(attrColon + 3) === 108 &&
        (value === 'true' || value === '1')
      ) {
        nilPrefixes[nilCandidates++] = name.slice(0, attrColon - attrAt);
      }
    }

    const prefix = colon < 0 ? '' : qname.slice(0, colon - nameAt);
    let nil = false;
    for (let k = 0; k < nilCandidates; k++) {
      if (lookupNamespace(nilPrefixes[k] as string, nsCount) === XSI_NAMESPACE) {
        nil = true;
        break;
      }
    }
    const element = new Element(
      lookupNamespace(prefix, nsCount) ?? '',
      colon < 0 ? qname : qname.slice(colon - nameAt + 1),
      prefix,
      attributes ?? NO_ATTRIBUTES,
      nil,
      position,
    );
    if (current !== undefined) {
      if (current.children === NO_CHILDREN) current.children = [element];
      else current.children.push(element);
      current.hasChildNodes = true;
    } else if (root === undefined) {
      root = element;
    }
    i = j;
    if (empty) {
      element.isEmpty = true;
      nsCount = nsBefore;
      pending = element;
    } else {
      if (stack.length > MAX_ELEMENT_DEPTH) return { error: ProtocolErrors.tooDeep(MAX_ELEMENT_DEPTH) };
      stack.push(element);
      qnames.push(qname);
      nsMarks.push(nsBefore);
      current = element;
    }
  }

  if (current !== undefined) {
    return failAt(
      line,
      n - lineStart + 1,
      `Unexpected end of file has occurred. The following elements are not closed: ${qnames.reverse().join(', ')}.`,
    );
  }
  if (pending !== undefined) pending.next = { line, column: n - lineStart + 1 };
  if (root === undefined) return { error: ProtocolErrors.unreadableXml(0, 0, 'Root element is missing.') };
  return { root };
}

// Refusals: cold paths, in XmlException's words (its message ends with the position).

function failAt(line: number, column: number, message: string): { error: ProtocolError } {
  return {
    error: ProtocolErrors.unreadableXml(line, column, `${message} Line ${line}, position ${column}.`),
  };
}

function unexpectedToken(
  s: string,
  at: number,
  line: number,
  lineStart: number,
  expected: string,
): { error: ProtocolError } {
  const column = at - lineStart + 1;
  if (at >= s.length) return failAt(line, column, 'Unexpected end of file has occurred.');
  return failAt(
    line,
    column,
    `'${tokenAt(s, at, false)}' is an unexpected token. The expected token is ${expected}.`,
  );
}

function badNameStart(s: string, at: number, line: number, lineStart: number): { error: ProtocolError } {
  const column = at - lineStart + 1;
  if (at >= s.length) return failAt(line, column, 'Unexpected end of file has occurred.');
  const c = s.charCodeAt(at);
  const hex = c.toString(16).toUpperCase().padStart(2, '0');
  return failAt(line, column, `Name cannot begin with the '${s[at]}' character, hexadecimal value 0x${hex}.`);
}

function unexpectedEnd(what: string, line: number, column: number): { error: ProtocolError } {
  return failAt(line, column, `Unexpected end of file while parsing ${what} has occurred.`);
}

/** The name-like run at `at` (a qualified name when `qualified`), or the single character there. */
function tokenAt(s: string, at: number, qualified: boolean): string {
  let j = at;
  while (j < s.length && isNameChar(s.charCodeAt(j), qualified)) j++;
  return j === at ? s.slice(at, at + 1) : s.slice(at, j);
}

/** Close enough to XML's NameChar for the refusals (ASCII exact, everything beyond taken as a name character). */
function isNameChar(c: number, orColon: boolean): boolean {
  return (
    (c >= 97 && c <= 122) ||
    (c >= 65 && c <= 90) ||
    (c >= 48 && c <= 57) ||
    c === 95 ||
    c === DASH ||
    c === 46 ||
    c >= 0x80 ||
    (orColon && c === COLON)
  );
}
