import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { ProtocolErrors, type ProtocolError } from '../../errors/catalogue';

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
  const root = toElements(nodes, new Map([['xml', 'http://www.w3.org/XML/1998/namespace']]))[0];
  if (!root) return { error: ProtocolErrors.unreadableXml(0, 0, 'Root element is missing.') };
  return { root };
}

function toElements(nodes: OrderedNode[], scope: ReadonlyMap<string, string>): XmlElement[] {
  const elements: XmlElement[] = [];
  for (const node of nodes) {
    const qname = Object.keys(node).find((key) => key !== ':@' && key !== '#text');
    if (qname === undefined) continue;
    const attributes = (node[':@'] ?? {}) as Record<string, string>;
    const inner = (node[qname] ?? []) as OrderedNode[];
    const innerScope = withDeclarations(scope, attributes);
    const name = resolve(qname, innerScope, true);
    elements.push({
      ...name,
      attributes,
      children: toElements(inner, innerScope),
      text: inner.map((child) => (typeof child['#text'] === 'string' ? child['#text'] : '')).join(''),
      nil: Object.entries(attributes).some(([attribute, value]) => {
        const resolved = resolve(attribute, innerScope, false);
        return (
          resolved.namespace === XSI_NAMESPACE &&
          resolved.localName === 'nil' &&
          (value === 'true' || value === '1')
        );
      }),
    });
  }
  return elements;
}

/** Elements without a prefix take the default namespace; unprefixed attributes have none. */
function resolve(qname: string, scope: ReadonlyMap<string, string>, isElement: boolean) {
  const colon = qname.indexOf(':');
  if (colon < 0) return { namespace: isElement ? (scope.get('') ?? '') : '', localName: qname };
  return { namespace: scope.get(qname.slice(0, colon)) ?? '', localName: qname.slice(colon + 1) };
}

function withDeclarations(
  scope: ReadonlyMap<string, string>,
  attributes: Record<string, string>,
): ReadonlyMap<string, string> {
  let result: Map<string, string> | undefined;
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'xmlns' || name.startsWith('xmlns:')) {
      result ??= new Map(scope);
      result.set(name === 'xmlns' ? '' : name.slice(6), value);
    }
  }
  return result ?? scope;
}

function lineAndColumn(text: string, index: number): { line: number; column: number } {
  const before = text.slice(0, index);
  const lastBreak = before.lastIndexOf('\n');
  return { line: before.split('\n').length, column: index - lastBreak };
}
