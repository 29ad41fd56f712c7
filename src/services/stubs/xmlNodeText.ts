/**
 * Load-time checks of an XmlNode result string: well-formed XML (fast-xml-parser's XMLValidator)
 * holding exactly one element (no text beside it), accepted by the encoder's XmlNode reader, and
 * placeholders only where an escaped value keeps the XML well-formed (element text, double-quoted
 * attribute values).
 * The text is read by XML tools only, never by patterns.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { parseXmlNode } from '../../codec/xmlNodeText';
import { escapeAttribute } from '../../xml/escape';
import { substitute, type Placeholder } from './template';

type OrderedNode = Record<string, unknown>;

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  commentPropName: '#comment',
  cdataPropName: '#cdata',
  textNodeName: '#text',
  ignoreDeclaration: false,
  ignorePiTags: false,
  trimValues: false,
  processEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
});

const WRAPPER = 'stub-wrapper';
/** Stands for a value that escaping cannot protect: an apostrophe, a quote, markup and `--`. */
const PROBE = `'"<>&--`;

function validationError(text: string): string | undefined {
  const result = XMLValidator.validate(text);
  if (result === true) return undefined;
  const { msg, line, col } = result.err;
  return `is not well-formed XML: ${msg} (line ${line}${col === undefined ? '' : `, column ${col}`})`;
}

function parse(text: string): OrderedNode[] | undefined {
  try {
    return parser.parse(text) as OrderedNode[];
  } catch {
    return undefined;
  }
}

/** The key of a preserveOrder node that names it (`root`, `#text`, `#comment`, `?xml`…). */
function nodeName(node: OrderedNode): string {
  return Object.keys(node).find((k) => k !== ':@') ?? '';
}

function isElement(name: string): boolean {
  return name !== '#text' && name !== '#comment' && name !== '#cdata' && !name.startsWith('?');
}

/**
 * One element at the top, and beside it nothing but whitespace, comments and processing
 * instructions (an XML declaration included), which the encoder drops as .NET's
 * `XmlDocument.DocumentElement` does. Then the encoder's own reader must accept it, so nothing
 * refused at request time passes here.
 */
function structureProblem(text: string): string | undefined {
  // Inside an element the parser keeps text, so wrapping shows what stands beside the root.
  const wrapped = parse(`<${WRAPPER}>${text}</${WRAPPER}>`);
  const children = wrapped?.[0]?.[WRAPPER];
  if (!Array.isArray(children)) return 'cannot be read as XML';
  const elements: string[] = [];
  for (const child of children as OrderedNode[]) {
    const name = nodeName(child);
    if (isElement(name)) elements.push(name);
    else if (name === '#text' && String(child['#text']).trim() !== '')
      return 'has text outside its root element';
    else if (name === '#cdata') return 'has a CDATA section outside its root element';
  }
  if (elements.length !== 1) {
    return elements.length === 0
      ? 'holds no element; an XmlNode result is exactly one element, e.g. <root success="true" />'
      : `holds ${elements.length} elements at the top (<${elements.join('>, <')}>); an XmlNode result is exactly one element`;
  }
  try {
    parseXmlNode(text);
  } catch (error) {
    return `is refused by the XmlNode writer: ${(error as Error).message}`;
  }
  return undefined;
}

/** Where each marker stands in a parsed tree: 'value' (text, attribute value) or a bad place. */
function markerPlaces(nodes: OrderedNode[], markers: readonly string[], places: Map<number, string>): void {
  const mark = (text: string, place: string) => {
    markers.forEach((m, i) => {
      if (text.includes(m) && !places.has(i)) places.set(i, place);
    });
  };
  for (const node of nodes) {
    const name = nodeName(node);
    const content = node[name];
    if (name === '#text') mark(String(content), 'value');
    else if (name === '#comment') mark(JSON.stringify(content), 'a comment');
    else if (name === '#cdata') mark(JSON.stringify(content), 'a CDATA section');
    else if (name.startsWith('?')) mark(name + JSON.stringify(node[':@'] ?? {}), 'a processing instruction');
    else {
      mark(name, 'an element name');
      const attributes = (node[':@'] ?? {}) as Record<string, unknown>;
      for (const [attribute, value] of Object.entries(attributes)) {
        mark(attribute, 'an attribute name');
        mark(String(value), 'value');
      }
      if (Array.isArray(content)) markerPlaces(content as OrderedNode[], markers, places);
    }
  }
}

/**
 * What is wrong with an XmlNode result string (completing "the XmlNode result …"), or undefined.
 * `placeholders` are the text's `{{…}}` (already checked to name arguments).
 */
export function xmlNodeProblem(text: string, placeholders: readonly Placeholder[]): string | undefined {
  if (placeholders.length === 0) return validationError(text) ?? structureProblem(text);

  let salt = '';
  while (text.includes(`stubvalue${salt}`)) salt += 'x';
  const markers = placeholders.map((_p, i) => `stubvalue${salt}${i}q`);
  const marked = substitute(text, placeholders, (_p, i) => markers[i] as string);
  const markedError = validationError(marked);
  if (markedError !== undefined) return validationError(text) ?? markedError;
  const structure = structureProblem(marked);
  if (structure !== undefined) return structure;

  const places = new Map<number, string>();
  markerPlaces(parse(marked) ?? [], markers, places);
  for (let i = 0; i < placeholders.length; i++) {
    const place = places.get(i) ?? 'a DOCTYPE or processing instruction';
    if (place !== 'value') {
      return (
        `has {{${placeholders[i]?.name}}} in ${place}, where a value cannot go; ` +
        'a placeholder goes in element text or in a double-quoted attribute value'
      );
    }
  }
  for (let i = 0; i < placeholders.length; i++) {
    const probed = substitute(text, placeholders, (_p, j) =>
      j === i ? escapeAttribute(PROBE) : (markers[j] as string),
    );
    if (validationError(probed) !== undefined) {
      return (
        `has {{${placeholders[i]?.name}}} where an escaped value can break the XML (a single-quoted attribute?); ` +
        'a placeholder goes in element text or in a double-quoted attribute value'
      );
    }
  }
  return undefined;
}
