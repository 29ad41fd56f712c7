/**
 * XmlNode results: reading the XML text a handler returns, and writing an element as .NET's
 * `XmlElement.WriteTo` does through XmlTextWriter — compactly inside a SOAP body, indented
 * (Formatting.Indented, Indentation 2) in an HTTP GET/POST answer.
 *
 * What the writer reproduces:
 * - attributes in their order, escaped as XmlTextWriter does (`escapeAttribute`), text with
 *   `escapeText`; an element without content is `<x />` (space before `/>`);
 * - namespaces: an unprefixed element whose namespace differs from the default namespace in
 *   scope where it is written gets `xmlns="…"` as its LAST attribute, as XmlTextWriter appends an
 *   undeclared default namespace when it closes the start tag. So a node in no namespace written
 *   inside `<OpResult>` (default namespace tempuri) gets `xmlns=""` on its own element only; its
 *   children, already in that scope, carry none. An `xmlns` attribute of the node itself is
 *   written where it stands and nothing is appended;
 * - indentation (XmlTextWriter.Indent): an element or comment starts on a new line indented one
 *   level deeper than its parent unless the parent is "mixed"; an element becomes mixed as soon
 *   as text or CDATA is written into it (and inherits the flag of its parent when it starts); the
 *   end tag goes on its own line unless the element is mixed. So `<tag>a</tag>` stays on one
 *   line, and in mixed content nothing after the first text is indented.
 *
 * Reading (fast-xml-parser, `preserveOrder`): the text must be well-formed and hold exactly one
 * element (an XML declaration, processing instructions and comments around it are ignored).
 * Character and predefined entity references are decoded here (only those five entities exist
 * without a DTD; any other is an error), attribute values get XML's whitespace normalisation,
 * and whitespace-only text between elements is dropped (XmlDocument's default,
 * PreserveWhitespace = false) unless `xml:space="preserve"` is in scope; whitespace that is the
 * whole content of an element is kept (`<tag> </tag>`).
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { escapeAttribute, escapeText } from '../xml/escape';
import { newlineIndent } from './indent';
import { ResultEncodingError } from './primitiveText';
import type { XmlNodeValue } from './values';

/** A CDATA section of a node read from text. */
export interface XmlCData {
  readonly cdata: string;
}

/** A comment of a node read from text. */
export interface XmlComment {
  readonly comment: string;
}

/** A child of an element: an element, text, CDATA or a comment. */
export type XmlChild = XmlElementNode | string | XmlCData | XmlComment;

/** An element as the writers take it: an {@link XmlNodeValue}, or a node read from text (which may also hold CDATA and comments). */
export interface XmlElementNode {
  readonly name: string;
  readonly attributes?: ReadonlyArray<readonly [name: string, value: string]>;
  readonly children?: ReadonlyArray<XmlChild>;
}

/** What a handler may return for an XmlNode result: the XML text of one element, or the element as a value. */
export type XmlNodeInput = string | XmlNodeValue;

export interface XmlNodeWriteOptions {
  /**
   * The default namespace in scope where the node is written: `''` at the top of a document
   * (the default), the namespace of the enclosing element otherwise (`http://tempuri.org/` inside
   * `<OpResult>`), which makes the node's own element declare `xmlns=""`.
   */
  readonly inScopeNamespace?: string;
}

export interface XmlNodeIndentOptions extends XmlNodeWriteOptions {
  /** The level of the node's element (0 = document element): its children are indented `depth + 1` levels. */
  readonly depth?: number;
}

/** Deeper than this is a cycle or a runaway value, not a result. */
const MAX_DEPTH = 256;

// ---------------------------------------------------------------------------------------------
// Reading

const PARSER = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: false,
  // References are decoded below: the parser's own decoding leaves numeric references alone.
  processEntities: false,
  cdataPropName: '#cdata',
  commentPropName: '#comment',
  textNodeName: '#text',
  ignoreDeclaration: true,
  ignorePiTags: true,
  removeNSPrefix: false,
  maxNestedTags: MAX_DEPTH,
  // Keep names such as `toString` as they are: the attribute map is a null-prototype object.
  onDangerousProperty: (name: string) => name,
});

type ParsedEntry = Record<string, unknown>;

/** The key naming what a parsed entry is (`#text`, `#cdata`, `#comment` or the element name). */
function entryKey(entry: ParsedEntry): string | undefined {
  for (const key in entry) {
    if (key !== ':@') return key;
  }
  return undefined;
}

/** The text inside a `#cdata` / `#comment` entry (`[{ '#text': '…' }]`). */
function innerText(value: unknown): string {
  if (!Array.isArray(value)) return '';
  let text = '';
  for (const part of value as ParsedEntry[]) {
    const t = part['#text'];
    if (t !== undefined) text += String(t);
  }
  return text;
}

function isXmlWhitespace(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return false;
  }
  return true;
}

function isXmlChar(code: number): boolean {
  return (
    code === 0x09 ||
    code === 0x0a ||
    code === 0x0d ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

const PREDEFINED_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
};

/**
 * Decodes `&amp;`-style and `&#…;` references; in an attribute value also normalises literal
 * tab/CR/LF to spaces (XML 1.0 §3.3.3) and refuses a literal `<`.
 */
function decodeRaw(raw: string, inAttribute: boolean): string {
  let out = '';
  let last = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 0x26) {
      const end = raw.indexOf(';', i + 1);
      if (end < 0 || end - i > 12) throw new ResultEncodingError(`a bare '&' in the XmlNode text`);
      const name = raw.slice(i + 1, end);
      let decoded: string | undefined;
      if (name.charCodeAt(0) === 0x23) {
        const hex = name.charCodeAt(1) === 0x78;
        const digits = name.slice(hex ? 2 : 1);
        const code = digits.length === 0 ? NaN : Number(hex ? `0x${digits}` : digits);
        if (
          !Number.isInteger(code) ||
          !isXmlChar(code) ||
          (!hex && !isDecimalDigits(digits)) ||
          (hex && digits.charCodeAt(0) === 0x2b)
        ) {
          throw new ResultEncodingError(`the character reference &${name}; is not allowed in XML`);
        }
        decoded = String.fromCodePoint(code);
      } else {
        decoded = Object.prototype.hasOwnProperty.call(PREDEFINED_ENTITIES, name)
          ? PREDEFINED_ENTITIES[name]
          : undefined;
        if (decoded === undefined) {
          throw new ResultEncodingError(`the XmlNode text refers to an undeclared entity &${name};`);
        }
      }
      out += raw.slice(last, i) + decoded;
      i = end;
      last = end + 1;
    } else if (inAttribute && (c === 0x09 || c === 0x0a || c === 0x0d)) {
      out += `${raw.slice(last, i)} `;
      last = i + 1;
    } else if (inAttribute && c === 0x3c) {
      throw new ResultEncodingError(`a literal '<' in an attribute value of the XmlNode text`);
    }
  }
  return last === 0 ? raw : out + raw.slice(last);
}

function isDecimalDigits(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

function convertElement(name: string, entry: ParsedEntry, preserveSpace: boolean): XmlElementNode {
  const attributeMap = entry[':@'] as Record<string, unknown> | undefined;
  let attributes: Array<readonly [string, string]> | undefined;
  if (attributeMap !== undefined) {
    attributes = [];
    for (const attribute in attributeMap) {
      const value = decodeRaw(String(attributeMap[attribute]), true);
      if (attribute === 'xml:space') preserveSpace = value === 'preserve';
      attributes.push([attribute, value]);
    }
  }
  const entries = (entry[name] ?? []) as ParsedEntry[];
  let hasMarkup = false;
  for (const child of entries) {
    if (entryKey(child) !== '#text') {
      hasMarkup = true;
      break;
    }
  }
  const children: XmlChild[] = [];
  for (const child of entries) {
    const key = entryKey(child);
    if (key === undefined) continue;
    if (key === '#text') {
      const text = String(child[key]);
      if (text === '' || (hasMarkup && !preserveSpace && isXmlWhitespace(text))) continue;
      children.push(decodeRaw(text, false));
    } else if (key === '#cdata') {
      children.push({ cdata: innerText(child[key]) });
    } else if (key === '#comment') {
      children.push({ comment: innerText(child[key]) });
    } else if (key.charCodeAt(0) !== 0x3f) {
      children.push(convertElement(key, child, preserveSpace));
    }
  }
  return { name, attributes, children };
}

/**
 * Reads the XML text of one element (an XmlNode result). Throws {@link ResultEncodingError}
 * when the text is not well-formed or does not hold exactly one element.
 */
export function parseXmlNode(text: string): XmlElementNode {
  const validation = XMLValidator.validate(text);
  if (validation !== true) {
    const { msg, line, col } = validation.err;
    throw new ResultEncodingError(
      `the XmlNode text is not well-formed XML: ${msg} (line ${line}${col === undefined ? '' : `, column ${col}`})`,
    );
  }
  // Neither the validator nor the parser sees text after a self-closing root (`<root /> tail`):
  // a document ends with `>` (of an element, a comment or a processing instruction).
  let last = text.length - 1;
  while (last >= 0 && isXmlWhitespace(text.charAt(last))) last--;
  if (text.charCodeAt(last) !== 0x3e) {
    throw new ResultEncodingError('the XmlNode text is not well-formed XML: text after the element');
  }
  let parsed: ParsedEntry[];
  try {
    parsed = PARSER.parse(text) as ParsedEntry[];
  } catch (error) {
    throw new ResultEncodingError(
      `the XmlNode text cannot be read: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  let element: XmlElementNode | undefined;
  let count = 0;
  for (const entry of parsed) {
    const key = entryKey(entry);
    if (key === undefined || key === '#comment' || key.charCodeAt(0) === 0x3f) continue;
    if (key === '#text') {
      if (isXmlWhitespace(String(entry[key]))) continue;
      throw new ResultEncodingError('the XmlNode text holds text outside its element');
    }
    if (key === '#cdata') throw new ResultEncodingError('the XmlNode text holds CDATA outside its element');
    count++;
    element = convertElement(key, entry, false);
  }
  if (count !== 1 || element === undefined) {
    throw new ResultEncodingError(
      `the XmlNode text holds ${count} top-level elements; an XmlNode result is exactly one element`,
    );
  }
  return element;
}

// ---------------------------------------------------------------------------------------------
// Writing

const KNOWN_NAMES = new Set<string>();

function isNameStart(c: number): boolean {
  return (
    (c >= 0x61 && c <= 0x7a) ||
    (c >= 0x41 && c <= 0x5a) ||
    c === 0x5f ||
    c === 0x3a ||
    (c >= 0xc0 && c <= 0xd6) ||
    (c >= 0xd8 && c <= 0xf6) ||
    (c >= 0xf8 && c <= 0x2ff) ||
    (c >= 0x370 && c <= 0x37d) ||
    (c >= 0x37f && c <= 0x1fff) ||
    c === 0x200c ||
    c === 0x200d ||
    (c >= 0x2070 && c <= 0x218f) ||
    (c >= 0x2c00 && c <= 0x2fef) ||
    (c >= 0x3001 && c <= 0xd7ff) ||
    (c >= 0xf900 && c <= 0xfdcf) ||
    (c >= 0xfdf0 && c <= 0xfffd) ||
    (c >= 0x10000 && c <= 0xeffff)
  );
}

function isNameChar(c: number): boolean {
  return (
    isNameStart(c) ||
    (c >= 0x30 && c <= 0x39) ||
    c === 0x2d ||
    c === 0x2e ||
    c === 0xb7 ||
    (c >= 0x300 && c <= 0x36f) ||
    c === 0x203f ||
    c === 0x2040
  );
}

/** Whether `name` matches XML 1.0's Name production (so it can never break the markup). */
function isXmlName(name: string): boolean {
  if (name.length === 0) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.codePointAt(i) as number;
    if (!(i === 0 ? isNameStart(c) : isNameChar(c))) return false;
    if (c > 0xffff) i++;
  }
  return true;
}

function checkName(name: unknown, what: string): string {
  if (typeof name !== 'string') throw new ResultEncodingError(`an XmlNode ${what} name must be a string`);
  if (KNOWN_NAMES.has(name)) return name;
  if (!isXmlName(name))
    throw new ResultEncodingError(`${JSON.stringify(name)} is not a valid XML ${what} name`);
  if (KNOWN_NAMES.size < 4096) KNOWN_NAMES.add(name);
  return name;
}

interface StartTag {
  /** `<name a="1"` (+ ` xmlns="…"` when needed), without the closing `>` or ` />`. */
  readonly text: string;
  /** The default namespace of the element's content, in the source and in the output. */
  readonly sourceNs: string;
  readonly outputNs: string;
}

function startTag(element: XmlElementNode, sourceNs: string, outputNs: string, level: number): StartTag {
  if (level > MAX_DEPTH)
    throw new ResultEncodingError(`the XmlNode is nested deeper than ${MAX_DEPTH} levels`);
  if (element === null || typeof element !== 'object') {
    throw new ResultEncodingError('an XmlNode element must be an object with a name');
  }
  const name = checkName(element.name, 'element');
  let text = `<${name}`;
  let ownDefault: string | undefined;
  const attributes = element.attributes;
  if (attributes !== undefined && attributes !== null) {
    if (!Array.isArray(attributes))
      throw new ResultEncodingError(`the attributes of <${name}> must be an array`);
    for (let i = 0; i < attributes.length; i++) {
      const pair = attributes[i] as readonly [string, string];
      const attributeName = checkName(pair?.[0], 'attribute');
      const value = pair[1];
      if (typeof value !== 'string') {
        throw new ResultEncodingError(`the attribute ${attributeName} of <${name}> must be a string`);
      }
      for (let j = 0; j < i; j++) {
        if ((attributes[j] as readonly [string, string])[0] === attributeName) {
          throw new ResultEncodingError(`the attribute ${attributeName} appears twice on <${name}>`);
        }
      }
      if (attributeName === 'xmlns') ownDefault = value;
      text += ` ${attributeName}="${escapeAttribute(value)}"`;
    }
  }
  if (ownDefault !== undefined) return { text, sourceNs: ownDefault, outputNs: ownDefault };
  if (name.indexOf(':') >= 0) return { text, sourceNs, outputNs };
  if (sourceNs !== outputNs) text += ` xmlns="${escapeAttribute(sourceNs)}"`;
  return { text, sourceNs, outputNs: sourceNs };
}

function cdataText(child: XmlCData): string {
  const text = String(child.cdata);
  if (text.includes(']]>')) throw new ResultEncodingError(`a CDATA section cannot contain "]]>"`);
  return `<![CDATA[${text}]]>`;
}

function commentText(child: XmlComment): string {
  const text = String(child.comment);
  if (text.includes('--') || text.endsWith('-'))
    throw new ResultEncodingError(`a comment cannot contain "--"`);
  return `<!--${text}-->`;
}

function writeCompact(element: XmlElementNode, sourceNs: string, outputNs: string, level: number): string {
  const tag = startTag(element, sourceNs, outputNs, level);
  const children = element.children;
  let content = '';
  if (children !== undefined && children !== null) {
    for (const child of children) {
      if (typeof child === 'string') content += escapeText(child);
      else if (child !== null && typeof child === 'object' && 'name' in child) {
        content += writeCompact(child, tag.sourceNs, tag.outputNs, level + 1);
      } else if (child !== null && typeof child === 'object' && 'cdata' in child) content += cdataText(child);
      else if (child !== null && typeof child === 'object' && 'comment' in child)
        content += commentText(child);
      else throw new ResultEncodingError(`a child of <${element.name}> is neither text nor an element`);
    }
  }
  // Only no child at all, or only empty text (WriteString('') writes nothing), gives `<x />`.
  if (content === '') return `${tag.text} />`;
  return `${tag.text}>${content}</${element.name}>`;
}

function writeIndented(
  element: XmlElementNode,
  depth: number,
  inheritedMixed: boolean,
  sourceNs: string,
  outputNs: string,
  level: number,
): string {
  const tag = startTag(element, sourceNs, outputNs, level);
  const children = element.children;
  // `mixed` is XmlTextWriter's flag of the element: inherited when it starts, set by text/CDATA.
  let mixed = inheritedMixed;
  let content = '';
  if (children !== undefined && children !== null) {
    for (const child of children) {
      if (typeof child === 'string') {
        if (child === '') continue; // XmlTextWriter.WriteString('') writes nothing
        mixed = true;
        content += escapeText(child);
      } else if (child !== null && typeof child === 'object' && 'name' in child) {
        if (!mixed) content += newlineIndent(depth + 1);
        content += writeIndented(child, depth + 1, mixed, tag.sourceNs, tag.outputNs, level + 1);
      } else if (child !== null && typeof child === 'object' && 'cdata' in child) {
        mixed = true;
        content += cdataText(child);
      } else if (child !== null && typeof child === 'object' && 'comment' in child) {
        if (!mixed) content += newlineIndent(depth + 1);
        content += commentText(child);
      } else {
        throw new ResultEncodingError(`a child of <${element.name}> is neither text nor an element`);
      }
    }
  }
  if (content === '') return `${tag.text} />`;
  // The end tag of an element with content: on its own line unless the element is mixed.
  return `${tag.text}>${content}${mixed ? '' : newlineIndent(depth)}</${element.name}>`;
}

function toElement(node: XmlNodeInput | XmlElementNode): XmlElementNode {
  if (typeof node === 'string') return parseXmlNode(node);
  if (node === null || typeof node !== 'object' || typeof (node as XmlElementNode).name !== 'string') {
    throw new ResultEncodingError(
      'an XmlNode result must be XML text or an XmlNodeValue ({ name, attributes, children })',
    );
  }
  return node;
}

/**
 * The node as XmlTextWriter writes it without formatting (inside a SOAP body): one line,
 * `<x />` for empty elements, `xmlns=""` last on the node's element when it sits in a default
 * namespace (`inScopeNamespace`).
 */
export function encodeXmlNodeCompact(
  node: XmlNodeInput | XmlElementNode,
  options?: XmlNodeWriteOptions,
): string {
  return writeCompact(toElement(node), '', options?.inScopeNamespace ?? '', 0);
}

/**
 * The node as XmlTextWriter writes it with Formatting.Indented and Indentation 2 (an HTTP GET/POST
 * answer). The result starts with the node's start tag: the line break and indentation before it
 * are the caller's (after the XML declaration: a single LF).
 */
export function encodeXmlNodeIndented(
  node: XmlNodeInput | XmlElementNode,
  options?: XmlNodeIndentOptions,
): string {
  return writeIndented(toElement(node), options?.depth ?? 0, false, '', options?.inScopeNamespace ?? '', 0);
}
