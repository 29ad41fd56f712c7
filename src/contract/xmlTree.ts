import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { UnsupportedWsdlError, type QName } from './model';
import { NS } from './namespaces';

/** fast-xml-parser's `preserveOrder` shape: `{ tag: [children], ':@': attributes }`, `{ '#text': text }`. */
type OrderedNode = Record<string, unknown>;

const TEXT = '#text';
const CDATA = '#cdata';
const ATTRIBUTES = ':@';

/**
 * Ordered output keeps documentation text and sequence members in document order. Entities are
 * left to `decodeReferences` (XML's five and character references only: fast-xml-parser's
 * `htmlEntities` would also accept HTML names such as `&nbsp;`, which XML does not define).
 */
const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: false,
  cdataPropName: CDATA,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

/**
 * A namespace-aware element tree built from fast-xml-parser's ordered output. WSDL and XSD carry
 * QNames in attribute values (`type="tns:DocumentInfo"`), so every element keeps its in-scope
 * prefix declarations (made on definitions, on a schema or on the element itself) to resolve them.
 */
export class XmlElement {
  readonly children: XmlElement[] = [];
  readonly namespace: string;
  readonly localName: string;
  /** Text and child elements in document order, for `text`. */
  private readonly content: (string | XmlElement)[] = [];

  private constructor(
    /** The name as written (`s:element`). */
    readonly tag: string,
    /** Attributes other than namespace declarations, by name as written, decoded. */
    readonly attributes: ReadonlyMap<string, string>,
    private readonly declarations: ReadonlyMap<string, string>,
    readonly parent: XmlElement | undefined,
    source: string,
  ) {
    const colon = tag.indexOf(':');
    const prefix = colon < 0 ? '' : tag.slice(0, colon);
    const namespace = this.lookupNamespace(prefix);
    if (namespace === undefined) {
      throw new UnsupportedWsdlError(
        `${source}: element <${tag}>: namespace prefix "${prefix}" is not declared`,
      );
    }
    this.namespace = namespace;
    this.localName = tag.slice(colon + 1);
  }

  /** Parses a document; refuses one that is not well-formed or that needs a DTD. */
  static parse(xmlText: string, source: string): XmlElement {
    const valid = XMLValidator.validate(xmlText);
    if (valid !== true) {
      const { line, col, msg } = valid.err;
      throw new UnsupportedWsdlError(`${source}: not well-formed XML (line ${line}, column ${col}): ${msg}`);
    }
    const roots = (parser.parse(xmlText) as OrderedNode[])
      .map((node) => XmlElement.build(node, undefined, source))
      .filter((node): node is XmlElement => node instanceof XmlElement);
    const root = roots[0];
    if (!root || roots.length > 1) throw new UnsupportedWsdlError(`${source}: not one root element`);
    return root;
  }

  private static build(
    node: OrderedNode,
    parent: XmlElement | undefined,
    source: string,
  ): XmlElement | string | undefined {
    if (TEXT in node) return decodeReferences(String(node[TEXT]), source);
    // CDATA is literal: its text is not entity-decoded.
    if (CDATA in node) return (node[CDATA] as OrderedNode[]).map((part) => String(part[TEXT] ?? '')).join('');
    const tag = Object.keys(node).find((key) => key !== ATTRIBUTES);
    if (tag === undefined) return undefined;
    const declarations = new Map<string, string>();
    const attributes = new Map<string, string>();
    for (const [name, raw] of Object.entries((node[ATTRIBUTES] ?? {}) as Record<string, string>)) {
      const value = decodeReferences(raw, source);
      if (name === 'xmlns') declarations.set('', value);
      else if (name.startsWith('xmlns:')) declarations.set(name.slice('xmlns:'.length), value);
      else attributes.set(name, value);
    }
    const element = new XmlElement(tag, attributes, declarations, parent, source);
    for (const child of node[tag] as OrderedNode[]) {
      const built = XmlElement.build(child, element, source);
      if (built === undefined) continue;
      element.content.push(built);
      if (built instanceof XmlElement) element.children.push(built);
    }
    return element;
  }

  /** Whether the element is `{namespace}localName`. */
  is(namespace: string, localName: string): boolean {
    return this.namespace === namespace && this.localName === localName;
  }

  attr(name: string): string | undefined {
    return this.attributes.get(name);
  }

  /** The child elements named `{namespace}localName`, in document order. */
  childrenNamed(namespace: string, localName: string): XmlElement[] {
    return this.children.filter((child) => child.is(namespace, localName));
  }

  /** The first child named `{namespace}localName`. */
  child(namespace: string, localName: string): XmlElement | undefined {
    return this.children.find((child) => child.is(namespace, localName));
  }

  /** The namespace bound to `prefix` here ('' is the default namespace); undefined when undeclared. */
  lookupNamespace(prefix: string): string | undefined {
    if (prefix === 'xml') return NS.xml;
    const bound = this.declarations.get(prefix);
    if (bound !== undefined) return bound;
    if (this.parent) return this.parent.lookupNamespace(prefix);
    return prefix === '' ? '' : undefined;
  }

  /**
   * Resolves a QName-valued attribute text (`tns:LogOut`, or `LogOut` in the default namespace)
   * against the declarations in scope here; undefined when its prefix is not declared.
   */
  resolveQName(text: string): QName | undefined {
    const colon = text.indexOf(':');
    const namespace = this.lookupNamespace(colon < 0 ? '' : text.slice(0, colon));
    return namespace === undefined ? undefined : { namespace, name: text.slice(colon + 1) };
  }

  /** The text content: this element's text and its descendants', in document order. */
  get text(): string {
    return this.content.map((item) => (typeof item === 'string' ? item : item.text)).join('');
  }
}

const PREDEFINED_ENTITIES: Readonly<Record<string, string>> = {
  lt: '<',
  gt: '>',
  amp: '&',
  quot: '"',
  apos: "'",
};

/** Decodes the entity and character references of a parsed text or attribute value. */
function decodeReferences(value: string, source: string): string {
  if (!value.includes('&')) return value;
  return value.replace(/&(#x[0-9A-Fa-f]+|#[0-9]+|[^;&\s]+);/g, (reference, body: string) => {
    if (body.startsWith('#')) {
      const codePoint = body.startsWith('#x') ? Number.parseInt(body.slice(2), 16) : Number(body.slice(1));
      if (codePoint > 0x10ffff)
        throw new UnsupportedWsdlError(`${source}: invalid character reference ${reference}`);
      return String.fromCodePoint(codePoint);
    }
    const predefined = PREDEFINED_ENTITIES[body];
    if (predefined === undefined) {
      throw new UnsupportedWsdlError(`${source}: entity reference ${reference} is not supported (no DTDs)`);
    }
    return predefined;
  });
}
