import { XMLValidator } from 'fast-xml-parser';
import { ProtocolErrors, type ProtocolError } from '../errors/catalogue';
import { internalize } from './internalize';

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

/** A document read: its root element. */
export interface XmlDocument {
  readonly root: XmlElement;
  /**
   * How many elements have a prefix that no declaration binds (or that one binds to `''`): 0
   * spares a caller looking for them.
   */
  readonly unboundPrefixes?: number;
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
 *
 * One pass builds the tree and watches whether the document keeps to a subset of XML that the
 * validator accepts for certain (see {@link DocumentScanner.wellFormed}); a document that does is
 * answered without the validator. Any other one, and any the pass refuses, goes to the validator
 * as before: its refusal comes first, the pass's answer only where it accepts.
 */
export function readXmlDocument(text: string): XmlDocument | { error: ProtocolError } {
  const dtdAt = doctypeIndex(text);
  if (dtdAt >= 0) {
    const { line, column } = dtdLineAndColumn(text, dtdAt);
    return { error: ProtocolErrors.dtdProhibited(line, column) };
  }
  // XmlReader's own words and position for an empty document.
  if (text.trim() === '') return { error: ProtocolErrors.unreadableXml(0, 0, 'Root element is missing.') };
  const scanner = new DocumentScanner(text);
  const tree = scanner.read();
  if (scanner.wellFormed && 'root' in tree) return tree;
  const verdict = XMLValidator.validate(text);
  if (verdict !== true) {
    return {
      error: ProtocolErrors.unreadableXml(verdict.err.line || 0, verdict.err.col || 0, verdict.err.msg),
    };
  }
  return tree;
}

/**
 * Where `<!DOCTYPE` first occurs (XML is case-sensitive: a document type declaration always starts
 * with exactly this text), -1 when nowhere. Looked for as `DOCTYPE`, a rare first character, which
 * `indexOf` skips to far faster than to each of the many `<`.
 */
function doctypeIndex(text: string): number {
  for (let at = text.indexOf('DOCTYPE', 2); at >= 0; at = text.indexOf('DOCTYPE', at + 1)) {
    if (text.charCodeAt(at - 1) === BANG && text.charCodeAt(at - 2) === LT) return at - 2;
  }
  return -1;
}

/** Today's arithmetic for the DTD position (LF only, a BOM counts), kept so the fault is unchanged. */
function dtdLineAndColumn(text: string, index: number): { line: number; column: number } {
  const before = text.slice(0, index);
  const lastBreak = before.lastIndexOf('\n');
  return { line: before.split('\n').length, column: index - lastBreak };
}

/**
 * Builds the element tree of a document in one pass, recording XmlReader positions. Meant for text
 * fast-xml-parser's validator accepted ({@link readXmlDocument} consults it unless the document is
 * plainly well-formed); on any other text it never throws. It refuses, in XmlException's words and
 * at its position, the malformed markup that validator lets through: `<!` starting neither a
 * comment nor a CDATA section, an end tag written `</x/>` or `</x a="1" />`, a `=` where an
 * attribute name should start, a comment, CDATA section or PI left open at the end.
 *
 * As `parseXmlDocument` did, the root is the first element; what the validator lets follow it
 * (text after an empty root, further elements) is read and ignored.
 */
export function readXmlTree(s: string): XmlDocument | { error: ProtocolError } {
  return new DocumentScanner(s).read();
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

type Refusal = { error: ProtocolError };

/** Reused between calls: the namespace bindings in scope and the candidates for xsi:nil. */
const nsPrefixes: string[] = ['xml'];
const nsUris: string[] = [XML_NAMESPACE];
/** Whether each binding's URI is internalized yet: that is done once an element is in it. */
const nsInternalized: boolean[] = [true];
const nilPrefixes: string[] = [];
/** Reused between calls, per open element: where its name starts, its length, the bindings in scope before it. */
const openNameAt = new Int32Array(MAX_ELEMENT_DEPTH + 1);
const openNameLength = new Int32Array(MAX_ELEMENT_DEPTH + 1);
const openNsCount = new Int32Array(MAX_ELEMENT_DEPTH + 1);
/** Per open element, its name: an end tag is compared with it as a whole, not character by character. */
const openQualifiedNames: string[] = [];

/**
 * Names and namespace URIs read lately, internalized, with the prefix and local name of each
 * name. Requests repeat the same few: a name found here costs no string split, an attribute name
 * is a property key V8 need not look up in its string table, and a namespace URI compares with
 * the service's (internalized) constants by identity instead of character by character. Slots go
 * in pairs (two-way): a string is looked for in both slots of the pair it hashes to, and a new
 * one takes the first slot, pushing the one there to the second. Two names of the same request
 * that share a pair (`xmlns:xsi` and `xmlns:soap12` do) so stay kept, where one slot each would
 * evict the other on every request; longer strings are not kept.
 */
const RECENT_NAME_SLOTS = 256;
const RECENT_URI_SLOTS = 64;
const MAX_RECENT_LENGTH = 128;
const recentNames: string[] = new Array<string>(RECENT_NAME_SLOTS).fill('');
const recentPrefixes: string[] = new Array<string>(RECENT_NAME_SLOTS).fill('');
const recentLocalNames: string[] = new Array<string>(RECENT_NAME_SLOTS).fill('');
const recentUris: string[] = new Array<string>(RECENT_URI_SLOTS).fill('');

/** A hash of a string from its length and four of its characters (names differ at the ends). */
function shortHash(text: string): number {
  const n = text.length;
  return (
    n * 0x9e5 +
    text.charCodeAt(0) * 0x3b +
    text.charCodeAt(n - 1) * 0x11 +
    text.charCodeAt(n >> 1) * 0x7 +
    text.charCodeAt((n * 3) >> 2)
  );
}

/** The slot of {@link recentNames} holding `name` (split at `colon`, -1 when none): found, or filled now. */
function recentNameSlot(name: string, colon: number): number {
  const slot = shortHash(name) & (RECENT_NAME_SLOTS - 2);
  if (recentNames[slot] === name) return slot;
  if (recentNames[slot + 1] === name) return slot + 1;
  recentNames[slot + 1] = recentNames[slot] as string;
  recentPrefixes[slot + 1] = recentPrefixes[slot] as string;
  recentLocalNames[slot + 1] = recentLocalNames[slot] as string;
  const kept = internalize(name);
  recentNames[slot] = kept;
  recentPrefixes[slot] = colon < 0 ? '' : internalize(kept.slice(0, colon));
  recentLocalNames[slot] = colon < 0 ? kept : internalize(kept.slice(colon + 1));
  return slot;
}

/** The namespace URI, internalized when it is short enough to keep (two-way, as the names). */
function recentUri(uri: string): string {
  if (uri.length > MAX_RECENT_LENGTH || uri.length === 0) return uri;
  const slot = shortHash(uri) & (RECENT_URI_SLOTS - 2);
  const cached = recentUris[slot] as string;
  if (cached === uri) return cached;
  const older = recentUris[slot + 1] as string;
  if (older === uri) return older;
  recentUris[slot + 1] = cached;
  return (recentUris[slot] = internalize(uri));
}

/** The binding of `prefix` in scope, -1 when none. */
function namespaceIndex(prefix: string, count: number): number {
  for (let k = count - 1; k >= 0; k--) {
    if (nsPrefixes[k] === prefix) return k;
  }
  return -1;
}

function lookupNamespace(prefix: string, count: number): string | undefined {
  const binding = namespaceIndex(prefix, count);
  return binding < 0 ? undefined : nsUris[binding];
}

/**
 * One document read from start to end. Line breaks are not counted while scanning: a position is
 * worked out when one is needed, from the breaks found (by `indexOf`) since the last one, and
 * positions are only ever asked for further on in the text.
 */
class DocumentScanner {
  /**
   * Whether everything read so far keeps to XML that fast-xml-parser's validator accepts for
   * certain: names made of its name characters, no attribute repeated, references in text of the
   * forms it takes, nothing but white space, comments, PIs and CDATA sections outside the root, an
   * XML declaration only at the very start. The markup the reader itself refuses is refused either
   * way. Cleared at the first thing outside that subset (or anything the check is unsure about):
   * {@link readXmlDocument} then asks the validator.
   */
  wellFormed = true;
  /** Elements with a prefix that no declaration binds, or that one binds to `''`. */
  unboundPrefixes = 0;

  private readonly n: number;
  /** Where the document starts: XmlReader never sees the byte order mark, nor does the validator. */
  private readonly begin: number;
  private i: number;

  /** How many elements are open; they are {@link openElements} and the `open…` arrays below it. */
  private depth = 0;
  private readonly openElements: Element[] = [];
  private nsCount = 1;
  private current: Element | undefined = undefined;
  private root: Element | undefined = undefined;
  /** The element that ended last, until the node after it is found. */
  private pending: Element | undefined = undefined;

  /** The start tag being read: its attributes, xsi:nil candidates, whether it is written `<x/>`. */
  private tagAttributes: Record<string, string> | undefined = undefined;
  private tagNilCandidates = 0;
  private tagIsEmpty = false;
  /** The first colon of the name {@link scanName} read last, -1 when none. */
  private nameColon = -1;
  /** The last name {@link splitName} split. */
  private splitQualified = '';
  private splitPrefix = '';
  private splitLocal = '';

  /** Line breaks before {@link lineBreakAt} are counted in {@link line} and {@link lineStart}. */
  private line = 1;
  /** The offset in column 1 of the current line. */
  private lineStart: number;
  private lineBreakAt: number;
  private lineFeedAt = -1;
  private lineCarriageReturnAt = -1;

  /** The next `&`, tab, LF and CR at or after where they were last looked for (`n` when none). */
  private ampersandAt = -1;
  private tabAt = -1;
  private lineFeedInValueAt = -1;
  private carriageReturnAt = -1;

  constructor(private readonly s: string) {
    this.n = s.length;
    this.begin = s.charCodeAt(0) === 0xfeff ? 1 : 0;
    this.i = this.begin;
    this.lineStart = this.begin;
    this.lineBreakAt = this.nextLineBreak(this.begin);
    // The first LF and CR found for the line count are the first for the text and values too:
    // the document is not searched for them again.
    this.lineFeedInValueAt = this.lineFeedAt;
    this.carriageReturnAt = this.lineCarriageReturnAt;
  }

  read(): XmlDocument | Refusal {
    const s = this.s;
    const n = this.n;
    while (this.i < n) {
      if (s.charCodeAt(this.i) !== LT) {
        this.readText();
        continue;
      }
      const c1 = s.charCodeAt(this.i + 1);
      let refusal: Refusal | undefined;
      if (c1 === SLASH) refusal = this.readEndTag();
      else if (c1 === BANG) refusal = this.readCommentOrCData();
      else if (c1 === QUESTION) refusal = this.readProcessingInstruction();
      else refusal = this.readStartTag();
      if (refusal !== undefined) return refusal;
    }
    return this.finish();
  }

  private finish(): XmlDocument | Refusal {
    if (this.current !== undefined) {
      return this.failAt(
        this.n,
        `Unexpected end of file has occurred. The following elements are not closed: ${this.openNames().join(', ')}.`,
      );
    }
    this.endPendingAt(this.n);
    if (this.root === undefined) {
      return { error: ProtocolErrors.unreadableXml(0, 0, 'Root element is missing.') };
    }
    return { root: this.root, unboundPrefixes: this.unboundPrefixes };
  }

  /** Text (whitespace included) up to the next markup. */
  private readText(): void {
    const from = this.i;
    let end = this.s.indexOf('<', from);
    if (end < 0) end = this.n;
    this.endPendingAt(from);
    this.i = end;
    const current = this.current;
    if (current === undefined) {
      // Outside the root: skipped. The validator takes only white space before the root and after
      // one closed by an end tag (after `<x/>` it takes anything, which is left to it).
      if (this.wellFormed && !isWhitespaceOnly(this.s, from, end)) this.wellFormed = false;
      return;
    }
    current.hasChildNodes = true;
    current.text += this.decodeText(from, end);
  }

  /** Entity and character references decoded, each CRLF or lone CR read as LF. */
  private decodeText(from: number, end: number): string {
    const s = this.s;
    let special = this.nextReferenceOrCarriageReturn(from);
    if (special >= end) return s.slice(from, end);
    let out = '';
    let copied = from;
    while (special < end) {
      if (s.charCodeAt(special) === AMP) {
        const replacement = readReference(s, special);
        if (replacement === undefined) {
          // Not a reference the reader knows: the `&` stays literal, as fast-xml-parser left it.
          if (!validatorTakesAmpersand(s, special)) this.wellFormed = false;
          special = this.nextReferenceOrCarriageReturn(special + 1);
          continue;
        }
        // Of the references the reader knows, the validator refuses `&#X…;` only.
        if (s.charCodeAt(special + 2) === 88 && s.charCodeAt(special + 1) === HASH) this.wellFormed = false;
        // `&amp;` (the most frequent by far) is the `&` it starts with: one string fewer to join.
        out += replacement === '&' ? s.slice(copied, special + 1) : s.slice(copied, special) + replacement;
        copied = referenceEnd;
      } else {
        out += s.slice(copied, special) + '\n';
        copied = s.charCodeAt(special + 1) === LF ? special + 2 : special + 1;
      }
      special = this.nextReferenceOrCarriageReturn(copied);
    }
    return copied === end ? out : out + s.slice(copied, end);
  }

  private readEndTag(): Refusal | undefined {
    const s = this.s;
    const nameAt = this.i + 2;
    this.endPendingAt(nameAt);
    const current = this.current;
    if (current === undefined) return this.failAt(nameAt, 'Unexpected end tag.');
    const top = this.depth - 1;
    const nameEnd = nameAt + (openNameLength[top] as number);
    if (s.slice(nameAt, nameEnd) !== openQualifiedNames[top] || isNameChar(s.charCodeAt(nameEnd), true)) {
      const open = current.position;
      const qname = this.openName(top);
      return this.failAt(
        nameAt,
        `The '${qname}' start tag on line ${open.line} position ${open.column} does not match the end tag of '${tokenAt(s, nameAt, true)}'.`,
      );
    }
    const j = skipWhitespace(s, nameEnd);
    if (s.charCodeAt(j) !== GT) return this.unexpectedToken(j, "'>'");
    this.i = j + 1;
    this.nsCount = openNsCount[top] as number;
    this.depth = top;
    this.pending = current;
    this.current = top > 0 ? this.openElements[top - 1] : undefined;
    return undefined;
  }

  private openName(level: number): string {
    const at = openNameAt[level] as number;
    return this.s.slice(at, at + (openNameLength[level] as number));
  }

  /** The names of the open elements, innermost first. */
  private openNames(): string[] {
    const names: string[] = [];
    for (let level = this.depth - 1; level >= 0; level--) names.push(this.openName(level));
    return names;
  }

  private readCommentOrCData(): Refusal | undefined {
    const s = this.s;
    const i = this.i;
    const c2 = s.charCodeAt(i + 2);
    if (c2 === DASH) {
      if (s.charCodeAt(i + 3) !== DASH) return this.unexpectedToken(i + 3, "'-'");
      // Comment: skipped, but a node XmlReader stops on.
      this.endPendingAt(i + 4);
      const end = s.indexOf('-->', i + 4);
      if (end < 0) return this.unexpectedEnd('Comment');
      this.i = end + 3;
      return undefined;
    }
    if (c2 === OPEN_BRACKET) {
      if (!s.startsWith('CDATA[', i + 3)) return this.unexpectedToken(i + 3, "'CDATA['");
      // CDATA section: raw text, line breaks normalised.
      this.endPendingAt(i + 9);
      const end = s.indexOf(']]>', i + 9);
      if (end < 0) return this.unexpectedEnd('CDATA');
      const current = this.current;
      if (current !== undefined) {
        current.hasChildNodes = true;
        current.text += this.decodeCData(i + 9, end);
      }
      this.i = end + 3;
      return undefined;
    }
    // The validator lets any other `<!` through as text (a DTD was refused before).
    return this.unexpectedToken(i + 2, "'<!--' or '<[CDATA['");
  }

  private decodeCData(from: number, end: number): string {
    const s = this.s;
    let cr = this.nextCarriageReturn(from);
    if (cr >= end) return s.slice(from, end);
    let out = '';
    let copied = from;
    while (cr < end) {
      out += s.slice(copied, cr) + '\n';
      copied = s.charCodeAt(cr + 1) === LF ? cr + 2 : cr + 1;
      cr = this.nextCarriageReturn(copied);
    }
    return copied === end ? out : out + s.slice(copied, end);
  }

  /** Processing instruction or XML declaration: skipped, but a node XmlReader stops on. */
  private readProcessingInstruction(): Refusal | undefined {
    const i = this.i;
    this.endPendingAt(i + 2);
    if (this.wellFormed && !this.validatorTakesPi(i)) this.wellFormed = false;
    const end = this.s.indexOf('?>', i + 2);
    if (end < 0) return this.unexpectedEnd('PI');
    this.i = end + 2;
    return undefined;
  }

  /**
   * The validator refuses a PI whose target is `xml` anywhere but at the very start (before the
   * first tag only: after one it reads the target from the `?`), and after the first tag it ends
   * `<?>` at its own `?>`. Both are left to it, as is any target merely starting with `xml`.
   */
  private validatorTakesPi(i: number): boolean {
    const s = this.s;
    return s.charCodeAt(i + 2) !== GT && (i === this.begin || !s.startsWith('xml', i + 2));
  }

  private readStartTag(): Refusal | undefined {
    const nameAt = this.i + 1;
    const position = this.positionAt(nameAt);
    if (this.pending !== undefined) {
      this.pending.next = position;
      this.pending = undefined;
    }
    const j = this.scanName(nameAt, false);
    if (j === nameAt) return this.badNameStart(j);
    // A second root, or anything after an empty one: left to the validator.
    if (this.current === undefined && this.root !== undefined) this.wellFormed = false;
    // Taken before the attributes are read: their names take the same fields (and may take the slot).
    this.splitName(nameAt, j);
    const qname = this.splitQualified;
    const prefix = this.splitPrefix;
    const localName = this.splitLocal;
    const nsBefore = this.nsCount;
    this.i = j;
    const refusal = this.readAttributes();
    if (refusal !== undefined) return refusal;

    const binding = namespaceIndex(prefix, this.nsCount);
    let namespace = '';
    if (binding >= 0) {
      namespace = nsUris[binding] as string;
      if (!nsInternalized[binding]) {
        nsUris[binding] = namespace = recentUri(namespace);
        nsInternalized[binding] = true;
      }
    }
    // A prefix no declaration binds (or one bound to ''): told to the caller, see unboundPrefixes.
    if (namespace === '' && prefix !== '') this.unboundPrefixes++;
    const element = new Element(
      namespace,
      localName,
      prefix,
      this.tagAttributes ?? NO_ATTRIBUTES,
      this.isNil(),
      position,
    );
    const current = this.current;
    if (current !== undefined) {
      if (current.children === NO_CHILDREN) current.children = [element];
      else current.children.push(element);
      current.hasChildNodes = true;
    } else if (this.root === undefined) {
      this.root = element;
    }
    if (this.tagIsEmpty) {
      element.isEmpty = true;
      this.nsCount = nsBefore;
      this.pending = element;
      return undefined;
    }
    const depth = this.depth;
    if (depth > MAX_ELEMENT_DEPTH) return { error: ProtocolErrors.tooDeep(MAX_ELEMENT_DEPTH) };
    this.openElements[depth] = element;
    openNameAt[depth] = nameAt;
    openNameLength[depth] = j - nameAt;
    openNsCount[depth] = nsBefore;
    openQualifiedNames[depth] = qname;
    this.depth = depth + 1;
    this.current = element;
    return undefined;
  }

  /** The attributes of a start tag up to and past its `>` or `/>`. */
  private readAttributes(): Refusal | undefined {
    const s = this.s;
    this.tagAttributes = undefined;
    this.tagNilCandidates = 0;
    for (;;) {
      const j = skipWhitespace(s, this.i);
      const d = s.charCodeAt(j);
      if (d === GT) {
        this.i = j + 1;
        this.tagIsEmpty = false;
        return undefined;
      }
      if (d === SLASH) {
        if (s.charCodeAt(j + 1) !== GT) return this.unexpectedToken(j + 1, "'>'");
        this.i = j + 2;
        this.tagIsEmpty = true;
        return undefined;
      }
      if (j >= this.n) return this.failAt(this.n, 'Unexpected end of file has occurred.');
      if (!isWhitespace(s.charCodeAt(j - 1))) {
        return this.failAt(j, `'${tokenAt(s, j, false)}' is an unexpected token. Expecting white space.`);
      }
      const refusal = this.readAttribute(j);
      if (refusal !== undefined) return refusal;
    }
  }

  /** One attribute, its name at `at`; leaves {@link i} past its closing quote. */
  private readAttribute(at: number): Refusal | undefined {
    const s = this.s;
    let j = this.scanName(at, true);
    // The validator skips a `=` where a name should start.
    if (j === at) return this.badNameStart(j);
    this.splitName(at, j);
    const name = this.splitQualified;
    const prefix = this.splitPrefix;
    const localName = this.splitLocal;
    // Given twice on the tag: the validator refuses it (the reader keeps the last value).
    if (this.tagAttributes !== undefined && Object.hasOwn(this.tagAttributes, name)) this.wellFormed = false;
    j = skipWhitespace(s, j);
    if (s.charCodeAt(j) !== EQUALS) return this.unexpectedToken(j, "'='");
    j = skipWhitespace(s, j + 1);
    const quote = s.charCodeAt(j);
    if (quote !== QUOTE && quote !== APOS) return this.unexpectedToken(j, `'"' or '''`);
    const valueEnd = s.indexOf(quote === QUOTE ? '"' : "'", j + 1);
    if (valueEnd < 0) return this.unexpectedEnd('StartTag');
    const value = this.decodeAttributeValue(j + 1, valueEnd);
    this.i = valueEnd + 1;
    this.addAttribute(name, prefix, localName, value);
    return undefined;
  }

  /**
   * The name scanned from `at` to `end` (its colon in {@link nameColon}) as qualified name, prefix
   * and local name, into the split fields (no object per name); short names from the recent table.
   */
  private splitName(at: number, end: number): void {
    const s = this.s;
    const colon = this.nameColon;
    if (end - at <= MAX_RECENT_LENGTH) {
      const slot = recentNameSlot(s.slice(at, end), colon < 0 ? -1 : colon - at);
      this.splitQualified = recentNames[slot] as string;
      this.splitPrefix = recentPrefixes[slot] as string;
      this.splitLocal = recentLocalNames[slot] as string;
    } else {
      this.splitQualified = s.slice(at, end);
      this.splitPrefix = colon < 0 ? '' : s.slice(at, colon);
      this.splitLocal = colon < 0 ? this.splitQualified : s.slice(colon + 1, end);
    }
  }

  /**
   * The end of the tag or attribute name at `from`: the reader ends it at white space, `>` or `/`
   * (an attribute name also at `=`) and takes anything else before that as part of it. Its first
   * colon goes to {@link nameColon}; {@link wellFormed} is cleared unless the validator takes it
   * as a name.
   */
  private scanName(from: number, isAttribute: boolean): number {
    const s = this.s;
    const n = this.n;
    let j = from;
    let colon = -1;
    let valid = true;
    for (; j < n; j++) {
      const c = s.charCodeAt(j);
      if (c >= 0x80) {
        if (!isNameCharacterBeyondAscii(c)) valid = false;
        continue;
      }
      const kind = ASCII_NAME_KIND[c] as number;
      if (kind === NAME_CHARACTER) continue;
      if (kind === ENDS_NAME || (kind === EQUALS_SIGN && isAttribute)) break;
      if (c === COLON) {
        if (colon < 0) colon = j;
      } else {
        valid = false;
      }
    }
    this.nameColon = colon;
    if (valid && j > from) valid = startsValidatorName(s.charCodeAt(from));
    if (!valid) this.wellFormed = false;
    return j;
  }

  /** References decoded; each tab, CR, LF or CRLF written raw becomes a space. */
  private decodeAttributeValue(from: number, end: number): string {
    const s = this.s;
    let special = this.nextSpecialInValue(from);
    if (special >= end) return s.slice(from, end);
    let out = '';
    let copied = from;
    while (special < end) {
      const c = s.charCodeAt(special);
      if (c === AMP) {
        const replacement = readReference(s, special);
        if (replacement === undefined) {
          special = this.nextSpecialInValue(special + 1);
          continue;
        }
        out += s.slice(copied, special) + replacement;
        copied = referenceEnd;
      } else {
        out += s.slice(copied, special) + ' ';
        copied = c === CR && s.charCodeAt(special + 1) === LF ? special + 2 : special + 1;
      }
      special = this.nextSpecialInValue(copied);
    }
    return copied === end ? out : out + s.slice(copied, end);
  }

  private addAttribute(name: string, prefix: string, localName: string, value: string): void {
    this.tagAttributes ??= {};
    setAttribute(this.tagAttributes, name, value);
    // xmlns="…" and xmlns:p="…" (an empty prefix after `xmlns:` rebinds the default, as before).
    if (prefix === 'xmlns' || name === 'xmlns') {
      nsPrefixes[this.nsCount] = name === 'xmlns' ? '' : localName;
      nsUris[this.nsCount] = value;
      nsInternalized[this.nsCount] = false;
      this.nsCount++;
    }
    // p:nil="true" or "1" (`:nil` too, and `xmlns:nil`): xsi:nil once p is known to be bound to the
    // XML Schema instance namespace. A name without a colon is its own local name.
    if (localName === 'nil' && localName !== name && (value === 'true' || value === '1')) {
      nilPrefixes[this.tagNilCandidates++] = prefix;
    }
  }

  private isNil(): boolean {
    for (let k = 0; k < this.tagNilCandidates; k++) {
      if (lookupNamespace(nilPrefixes[k] as string, this.nsCount) === XSI_NAMESPACE) return true;
    }
    return false;
  }

  /** Gives the element that ended last its `next`: the node found at `offset`. */
  private endPendingAt(offset: number): void {
    if (this.pending === undefined) return;
    this.pending.next = this.positionAt(offset);
    this.pending = undefined;
  }

  // Where XmlReader stands: CRLF, lone CR and LF each end a line.

  private positionAt(offset: number): XmlPosition {
    while (this.lineBreakAt < offset) this.countLineBreak();
    return { line: this.line, column: offset - this.lineStart + 1 };
  }

  private countLineBreak(): void {
    const s = this.s;
    const at = this.lineBreakAt;
    const after = s.charCodeAt(at) === CR && s.charCodeAt(at + 1) === LF ? at + 2 : at + 1;
    this.line++;
    this.lineStart = after;
    this.lineBreakAt = this.nextLineBreak(after);
  }

  private nextLineBreak(from: number): number {
    if (this.lineFeedAt < from) this.lineFeedAt = indexOrEnd(this.s, '\n', from);
    if (this.lineCarriageReturnAt < from) this.lineCarriageReturnAt = indexOrEnd(this.s, '\r', from);
    return Math.min(this.lineFeedAt, this.lineCarriageReturnAt);
  }

  // The next character that needs decoding, looked for from `from` on (always further on).

  private nextReferenceOrCarriageReturn(from: number): number {
    return Math.min(this.nextAmpersand(from), this.nextCarriageReturn(from));
  }

  private nextSpecialInValue(from: number): number {
    if (this.tabAt < from) this.tabAt = indexOrEnd(this.s, '\t', from);
    if (this.lineFeedInValueAt < from) this.lineFeedInValueAt = indexOrEnd(this.s, '\n', from);
    return Math.min(
      this.nextAmpersand(from),
      this.nextCarriageReturn(from),
      this.tabAt,
      this.lineFeedInValueAt,
    );
  }

  private nextAmpersand(from: number): number {
    if (this.ampersandAt < from) this.ampersandAt = indexOrEnd(this.s, '&', from);
    return this.ampersandAt;
  }

  private nextCarriageReturn(from: number): number {
    if (this.carriageReturnAt < from) this.carriageReturnAt = indexOrEnd(this.s, '\r', from);
    return this.carriageReturnAt;
  }

  // Refusals: cold paths, in XmlException's words (its message ends with the position).

  private failAt(offset: number, message: string): Refusal {
    const { line, column } = this.positionAt(offset);
    return {
      error: ProtocolErrors.unreadableXml(line, column, `${message} Line ${line}, position ${column}.`),
    };
  }

  private unexpectedToken(at: number, expected: string): Refusal {
    if (at >= this.n) return this.failAt(at, 'Unexpected end of file has occurred.');
    return this.failAt(
      at,
      `'${tokenAt(this.s, at, false)}' is an unexpected token. The expected token is ${expected}.`,
    );
  }

  private badNameStart(at: number): Refusal {
    if (at >= this.n) return this.failAt(at, 'Unexpected end of file has occurred.');
    const c = this.s.charCodeAt(at);
    const hex = c.toString(16).toUpperCase().padStart(2, '0');
    return this.failAt(
      at,
      `Name cannot begin with the '${this.s[at]}' character, hexadecimal value 0x${hex}.`,
    );
  }

  private unexpectedEnd(what: string): Refusal {
    return this.failAt(this.n, `Unexpected end of file while parsing ${what} has occurred.`);
  }
}

function indexOrEnd(s: string, search: string, from: number): number {
  const at = s.indexOf(search, from);
  return at < 0 ? s.length : at;
}

function isWhitespace(c: number): boolean {
  return c === SPACE || c === LF || c === TAB || c === CR;
}

function skipWhitespace(s: string, from: number): number {
  let j = from;
  while (isWhitespace(s.charCodeAt(j))) j++;
  return j;
}

function isWhitespaceOnly(s: string, from: number, end: number): boolean {
  for (let k = from; k < end; k++) {
    if (!isWhitespace(s.charCodeAt(k))) return false;
  }
  return true;
}

function setAttribute(attributes: Record<string, string>, name: string, value: string): void {
  // An own property even for this name, never the prototype.
  if (name === '__proto__') {
    Object.defineProperty(attributes, name, { value, enumerable: true, writable: true, configurable: true });
  } else {
    attributes[name] = value;
  }
}

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

// What fast-xml-parser's validator accepts, where the pass checks it.

/**
 * Whether the validator takes the `&` at `at` in text: `&#` then decimal digits (none at all
 * included) and `;`, `&#x` (lower-case only) then hex digits and `;`, or 1 to 20 of `[A-Za-z0-9_]`
 * and `;` (an entity it does not know included). It also lets a `&` cut off by the end of the
 * text pass; that is left to it.
 */
function validatorTakesAmpersand(s: string, at: number): boolean {
  let j = at + 1;
  const c = s.charCodeAt(j);
  if (c === HASH) {
    j++;
    const hex = s.charCodeAt(j) === 120;
    if (hex) j++;
    for (; j < s.length; j++) {
      const d = s.charCodeAt(j);
      if (d === SEMICOLON) return true;
      if (!(isAsciiDigit(d) || (hex && isHexLetter(d)))) return false;
    }
    return false;
  }
  for (let count = 0; j < s.length; j++, count++) {
    const d = s.charCodeAt(j);
    if (count < 20 && isWordCharacter(d)) continue;
    return d === SEMICOLON && count > 0;
  }
  return false;
}

function isAsciiDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isHexLetter(c: number): boolean {
  return (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

/** A regular expression's `\w`. */
function isWordCharacter(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || isAsciiDigit(c) || c === 95;
}

/**
 * What an ASCII character is to the name scan. The validator's names follow XML 1.0 NameStartChar
 * and NameChar of the BMP with `:` anywhere, one UTF-16 code unit at a time (so no astral
 * character); digits, `-` and `.` do not start one.
 */
const NAME_CHARACTER = 1; // letters, digits, `_`, `-`, `.`
const ENDS_NAME = 2; // white space, `>`, `/`
const EQUALS_SIGN = 3;
const OTHER_CHARACTER = 0; // `:` included, looked at apart
const ASCII_NAME_KIND = new Uint8Array(0x80).fill(OTHER_CHARACTER);
for (let c = 0; c < 0x80; c++) {
  if (isWordCharacter(c) || c === DASH || c === 46) ASCII_NAME_KIND[c] = NAME_CHARACTER;
}
for (const c of [SPACE, TAB, LF, CR, GT, SLASH]) ASCII_NAME_KIND[c] = ENDS_NAME;
ASCII_NAME_KIND[EQUALS] = EQUALS_SIGN;

function startsValidatorName(c: number): boolean {
  if (c < 0x80) return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === COLON;
  return isNameStartBeyondAscii(c);
}

/**
 * U+1680 and U+FEFF are in the NameStartChar ranges, but `String.prototype.trim`, which the
 * validator applies to tag names, removes them: names with them are left to it.
 */
function isNameStartBeyondAscii(c: number): boolean {
  if (c === 0x1680 || c === 0xfeff) return false;
  return (
    (c >= 0xc0 && c <= 0xd6) ||
    (c >= 0xd8 && c <= 0xf6) ||
    (c >= 0xf8 && c <= 0x2ff) ||
    (c >= 0x370 && c <= 0x37d) ||
    (c >= 0x37f && c <= 0x1fff) ||
    (c >= 0x200c && c <= 0x200d) ||
    (c >= 0x2070 && c <= 0x218f) ||
    (c >= 0x2c00 && c <= 0x2fef) ||
    (c >= 0x3001 && c <= 0xd7ff) ||
    (c >= 0xf900 && c <= 0xfdcf) ||
    (c >= 0xfdf0 && c <= 0xfffd)
  );
}

function isNameCharacterBeyondAscii(c: number): boolean {
  return (
    isNameStartBeyondAscii(c) || c === 0xb7 || (c >= 0x300 && c <= 0x36f) || (c >= 0x203f && c <= 0x2040)
  );
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
