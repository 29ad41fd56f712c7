/**
 * The reference for the request reader's differential tests: the document tree fast-xml-parser
 * builds (validator first, then its parser), as the emulator read requests before its own reader.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { ProtocolErrors, type ProtocolError } from '../../src/errors/catalogue';

/** An element of a parsed request with its namespace resolved. */
export interface XmlElement {
  readonly namespace: string;
  readonly localName: string;
  readonly attributes: Readonly<Record<string, string>>;
  /** Child elements, in document order. */
  readonly children: readonly XmlElement[];
  /** The concatenated text and CDATA directly inside the element. */
  readonly text: string;
  /** Carries `xsi:nil="true"`: the value is absent, not empty. */
  readonly nil: boolean;
}

const XSI_NAMESPACE = 'http://www.w3.org/2001/XMLSchema-instance';
const ROOT_SCOPE: ReadonlyMap<string, string> = new Map([['xml', 'http://www.w3.org/XML/1998/namespace']]);

type OrderedNode = Record<string, unknown>;

// Only the five predefined XML entities are known; numeric character references are decoded too
// (fast-xml-parser enables them when htmlEntities is an object). DTD-declared entities never get
// here: documents with a DTD are refused before parsing.
const XML_ENTITIES = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Deeper documents are refused: a SOAP request needs four levels, the cap leaves room for extensions. */
export const MAX_ELEMENT_DEPTH = 32;

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: true,
  // The typings say boolean; the parser takes a table of named entities here (v5 OrderedObjParser).
  htmlEntities: XML_ENTITIES as unknown as boolean,
  ignoreDeclaration: true,
  ignorePiTags: true,
  maxNestedTags: MAX_ELEMENT_DEPTH,
  // No callback needs element paths; building them costs a fifth of the parse.
  jPath: false,
});

/**
 * Parses a request document into namespace-resolved elements, or says why it cannot, with the
 * line and column .NET's XmlReader would report.
 */
export function parseXmlDocument(text: string): { root: XmlElement } | { error: ProtocolError } {
  // XML is case-sensitive: a document type declaration always starts with exactly this text.
  const dtdAt = text.indexOf('<!DOCTYPE');
  if (dtdAt >= 0) {
    const { line, column } = lineAndColumn(text, dtdAt);
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
  let nodes: OrderedNode[];
  try {
    nodes = parser.parse(text) as OrderedNode[];
  } catch (error) {
    // The validator accepted the document; what the parser still refuses is its depth (or,
    // defensively, anything else it finds), never a crash.
    const message = (error as Error).message;
    return {
      error: /nested/i.test(message)
        ? ProtocolErrors.tooDeep(MAX_ELEMENT_DEPTH)
        : ProtocolErrors.unreadableXml(0, 0, message),
    };
  }
  const root = toElements(nodes, ROOT_SCOPE)[0];
  if (!root) return { error: ProtocolErrors.unreadableXml(0, 0, 'Root element is missing.') };
  return { root };
}

const NO_ATTRIBUTES: Readonly<Record<string, string>> = Object.freeze({});

// Written as plain loops: this runs on every SOAP request (see bench/).
function toElements(nodes: OrderedNode[], scope: ReadonlyMap<string, string>): XmlElement[] {
  const elements: XmlElement[] = [];
  for (const node of nodes) {
    let qname: string | undefined;
    for (const key in node) {
      if (key !== ':@' && key !== '#text') {
        qname = key;
        break;
      }
    }
    if (qname === undefined) continue;
    const attributes = (node[':@'] as Record<string, string> | undefined) ?? NO_ATTRIBUTES;
    const inner = (node[qname] as OrderedNode[] | undefined) ?? [];
    const innerScope = attributes === NO_ATTRIBUTES ? scope : withDeclarations(scope, attributes);
    let text = '';
    for (const child of inner) {
      const value = child['#text'];
      if (typeof value === 'string') text += value;
    }
    const colon = qname.indexOf(':');
    elements.push({
      namespace: (colon < 0 ? innerScope.get('') : innerScope.get(qname.slice(0, colon))) ?? '',
      localName: colon < 0 ? qname : qname.slice(colon + 1),
      attributes,
      children: toElements(inner, innerScope),
      text,
      nil: attributes !== NO_ATTRIBUTES && isNil(attributes, innerScope),
    });
  }
  return elements;
}

/** `xsi:nil="true"` (or `1`), with `xsi` bound to the XML Schema instance namespace. */
function isNil(attributes: Record<string, string>, scope: ReadonlyMap<string, string>): boolean {
  for (const name in attributes) {
    const colon = name.indexOf(':');
    if (colon < 0 || name.slice(colon + 1) !== 'nil') continue;
    const value = attributes[name];
    if (scope.get(name.slice(0, colon)) === XSI_NAMESPACE && (value === 'true' || value === '1')) return true;
  }
  return false;
}

function withDeclarations(
  scope: ReadonlyMap<string, string>,
  attributes: Record<string, string>,
): ReadonlyMap<string, string> {
  let result: Map<string, string> | undefined;
  for (const name in attributes) {
    if (name === 'xmlns' || name.startsWith('xmlns:')) {
      result ??= new Map(scope);
      result.set(name === 'xmlns' ? '' : name.slice(6), attributes[name] as string);
    }
  }
  return result ?? scope;
}

function lineAndColumn(text: string, index: number): { line: number; column: number } {
  const before = text.slice(0, index);
  const lastBreak = before.lastIndexOf('\n');
  return { line: before.split('\n').length, column: index - lastBreak };
}
